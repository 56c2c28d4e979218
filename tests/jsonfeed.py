"""The JSON Feed 1.1 field rules (https://jsonfeed.org/version/1.1) as a JSON Schema, with its formats checked.

jsonschema checks the ``uri`` and ``date-time`` formats only with its format packages installed: the test
extra's ``jsonschema[format-nongpl]``. Without them every string passes (tests/test_feed_json.py notices).
"""

from typing import Any

import jsonschema

AUTHOR = {"type": "object", "properties": {"name": {"type": "string"}, "url": {"type": "string"},
                                          "avatar": {"type": "string"}}, "minProperties": 1}
SCHEMA = {
    "type": "object",
    "required": ["version", "title", "items"],
    "properties": {
        "version": {"const": "https://jsonfeed.org/version/1.1"},
        "title": {"type": "string"},
        "home_page_url": {"type": "string", "format": "uri"},
        "feed_url": {"type": "string", "format": "uri"},
        "description": {"type": "string"},
        "next_url": {"type": "string", "format": "uri"},
        "language": {"type": "string"},
        "expired": {"type": "boolean"},
        "authors": {"type": "array", "items": AUTHOR},
        "items": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id"],
                "anyOf": [{"required": ["content_html"]}, {"required": ["content_text"]}],
                "properties": {
                    "id": {"type": "string"},
                    "url": {"type": "string", "format": "uri"},
                    "title": {"type": "string"},
                    "content_html": {"type": "string"},
                    "content_text": {"type": "string"},
                    "date_published": {"type": "string", "format": "date-time"},
                    "date_modified": {"type": "string", "format": "date-time"},
                    "authors": {"type": "array", "items": AUTHOR},
                    "tags": {"type": "array", "items": {"type": "string"}},
                },
                "propertyNames": {"anyOf": [{"enum": ["id", "url", "external_url", "title", "content_html",
                    "content_text", "summary", "image", "banner_image", "date_published", "date_modified",
                    "authors", "tags", "language", "attachments"]}, {"pattern": "^_"}]},
            },
        },
    },
    "propertyNames": {"anyOf": [{"enum": ["version", "title", "home_page_url", "feed_url", "description",
        "user_comment", "next_url", "icon", "favicon", "authors", "language", "expired", "hubs", "items"]},
        {"pattern": "^_"}]},
}


def validate(feed: dict[str, Any]) -> None:
    """Raise jsonschema.ValidationError unless ``feed`` follows the JSON Feed 1.1 rules, URLs and dates included."""
    jsonschema.validate(feed, SCHEMA, format_checker=jsonschema.FormatChecker())
