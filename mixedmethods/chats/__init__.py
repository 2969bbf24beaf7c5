"""Chats: WhatsApp exports parsed into one frame of messages and system events."""
