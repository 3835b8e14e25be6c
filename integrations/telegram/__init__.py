"""Telegram Bot API: getMe and sendMessage with the Bot API's envelope and error table. No app
uses it yet; the autopilot's reports and alerts will, through a tenant-aware wrapper of theirs."""

from integrations.telegram.client import MAX_TEXT_LENGTH, PARSE_MODES, ChatMigrated, TelegramBotClient, error_class_for

__all__ = ["MAX_TEXT_LENGTH", "PARSE_MODES", "ChatMigrated", "TelegramBotClient", "error_class_for"]
