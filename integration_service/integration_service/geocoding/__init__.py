"""Geocoding: addresses to coordinates and back through Google and Yandex, cached per tenant."""
