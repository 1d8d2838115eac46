"""The emulator's in-memory world: users, bots, chats, messages, files, updates."""
