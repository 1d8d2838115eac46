"""People and places: pending applications, users with their roles, buildings with today's shift
coverage, announcements with their delivery figures."""
