"""What Slack refuses for its limits or shape (blocks, texts, views), as the fake Slack answers."""

from __future__ import annotations

from typing import Any

# Slack's limits -------------------------------------------------------------------------------

MESSAGE_METHODS = ("chat.postMessage", "chat.postEphemeral", "chat.update", "response_url")
VIEW_METHODS = ("views.open", "views.update", "views.push", "views.publish")


class Invalid(Exception):
    """A payload Slack refuses; the message is Slack's error code."""


def limit_error(method: str, params: dict[str, Any]) -> str | None:
    """The error Slack answers `params` with for being over its limits or misshapen, if any."""
    try:
        if method in MESSAGE_METHODS:
            _check_message(params)
        elif method in VIEW_METHODS:
            _check_view(params.get("view"))
    except Invalid as error:
        return str(error)
    return None


def _check_message(params: dict[str, Any]) -> None:
    text, blocks = params.get("text"), params.get("blocks")
    if text is not None and (not isinstance(text, str) or len(text) > 40_000):
        raise Invalid("msg_too_long")
    if blocks is None:
        return
    if not isinstance(blocks, list) or len(blocks) > 50:
        raise Invalid("invalid_blocks")
    _check_blocks(blocks)
    if _text_length(blocks) > 12_000:
        raise Invalid("msg_blocks_too_long")


def _check_view(view: Any) -> None:
    if not isinstance(view, dict) or view.get("type") not in ("modal", "home"):
        raise Invalid("invalid_arguments")
    blocks = view.get("blocks")
    if not isinstance(blocks, list) or len(blocks) > 100:
        raise Invalid("invalid_blocks")
    for key in ("title", "submit", "close"):
        if key in view:
            _text(view[key], 24, plain_only=True)
    if len(str(view.get("private_metadata", ""))) > 3000:
        raise Invalid("invalid_arguments")
    _check_blocks(blocks)


def _check_blocks(blocks: list[Any]) -> None:
    ids = [block.get("block_id") for block in blocks if isinstance(block, dict)]
    if len([i for i in ids if i]) != len({i for i in ids if i}):
        raise Invalid("invalid_blocks")
    for block in blocks:
        if not isinstance(block, dict):
            raise Invalid("invalid_blocks")
        _check_block(block)


def _check_block(block: dict[str, Any]) -> None:
    kind = block.get("type")
    if len(str(block.get("block_id", ""))) > 255:
        raise Invalid("invalid_blocks")
    if kind == "section":
        if "text" not in block and "fields" not in block:
            raise Invalid("invalid_blocks")
        if "text" in block:
            _text(block["text"], 3000)
        fields = block.get("fields", [])
        if not isinstance(fields, list) or len(fields) > 10:
            raise Invalid("invalid_blocks")
        for item in fields:
            _text(item, 2000)
        if "accessory" in block:
            _element(block["accessory"])
    elif kind == "header":
        _text(block.get("text"), 150, plain_only=True)
    elif kind == "context":
        elements = block.get("elements")
        if not isinstance(elements, list) or not 1 <= len(elements) <= 10:
            raise Invalid("invalid_blocks")
        for item in elements:
            _text(item, 3000)
    elif kind == "actions":
        elements = block.get("elements")
        if not isinstance(elements, list) or not 1 <= len(elements) <= 25:
            raise Invalid("invalid_blocks")
        for item in elements:
            _element(item)
    elif kind == "input":
        _text(block.get("label"), 2000, plain_only=True)
        _element(block.get("element"))
    elif kind != "divider":
        raise Invalid("invalid_blocks")


def _element(element: Any) -> None:
    if not isinstance(element, dict):
        raise Invalid("invalid_blocks")
    if len(str(element.get("action_id", ""))) > 255:
        raise Invalid("invalid_blocks")
    if element.get("type") == "button":
        _text(element.get("text"), 75, plain_only=True)
        if len(str(element.get("value", ""))) > 2000:
            raise Invalid("invalid_blocks")
    options = element.get("options")
    if options is not None:
        if not isinstance(options, list) or not 1 <= len(options) <= 100:
            raise Invalid("invalid_blocks")
        for option in options:
            _option(option)
    if "initial_option" in element:
        _option(element["initial_option"])
    if "placeholder" in element:
        _text(element["placeholder"], 150, plain_only=True)


def _option(option: Any) -> None:
    if not isinstance(option, dict) or len(str(option.get("value", ""))) > 150:
        raise Invalid("invalid_blocks")
    _text(option.get("text"), 75, plain_only=True)


def _text(value: Any, limit: int, plain_only: bool = False) -> None:
    """A text object: a type Slack allows there, and between 1 and `limit` characters."""
    if not isinstance(value, dict) or not isinstance(value.get("text"), str):
        raise Invalid("invalid_blocks")
    allowed = ("plain_text",) if plain_only else ("plain_text", "mrkdwn")
    if value.get("type") not in allowed or not 1 <= len(value["text"]) <= limit:
        raise Invalid("invalid_blocks")


def _text_length(value: Any) -> int:
    if isinstance(value, dict):
        return sum(
            len(item) if key == "text" and isinstance(item, str) else _text_length(item)
            for key, item in value.items()
        )
    if isinstance(value, list):
        return sum(_text_length(item) for item in value)
    return 0
