#!/usr/bin/env python3
"""Reads a message back from the test Dovecot and describes it as JSON, parsed by python3's
`email` package (an independent MIME parser), for the letters integration test.

    read_draft.py fetch FOLDER UID   -> {"flags": [...], "headers": {...}, "parts": [...]}
    read_draft.py count FOLDER       -> {"count": N}

Environment: NACHFASS_IMAP_HOST, NACHFASS_IMAP_PORT (STARTTLS), NACHFASS_IMAP_USER,
NACHFASS_IMAP_PASSWORD, NACHFASS_TEST_CA.
"""
import email
import email.policy
import imaplib
import json
import os
import re
import ssl
import sys


def connect():
    context = ssl.create_default_context(cafile=os.environ["NACHFASS_TEST_CA"])
    imap = imaplib.IMAP4(os.environ["NACHFASS_IMAP_HOST"], int(os.environ["NACHFASS_IMAP_PORT"]))
    imap.starttls(ssl_context=context)
    imap.login(os.environ["NACHFASS_IMAP_USER"], os.environ["NACHFASS_IMAP_PASSWORD"])
    return imap


def quoted(folder):
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def fetch(folder, uid):
    imap = connect()
    status, _ = imap.select(quoted(folder), readonly=True)
    if status != "OK":
        raise SystemExit("cannot select " + folder)
    status, data = imap.uid("FETCH", uid, "(FLAGS BODY.PEEK[])")
    if status != "OK" or not data or data[0] is None:
        raise SystemExit("no message with UID " + uid)
    meta, raw = data[0]
    flags = re.search(rb"FLAGS \(([^)]*)\)", meta).group(1).decode().split()
    imap.logout()
    message = email.message_from_bytes(raw, policy=email.policy.default)
    headers = {name: str(message[name]) for name in
               ("From", "To", "Subject", "Message-ID", "In-Reply-To", "References", "Date",
                "MIME-Version", "Bcc", "Cc")
               if message[name] is not None}
    parts = []
    for part in message.walk():
        if part.is_multipart():
            continue
        parts.append({"content_type": part.get_content_type(),
                      "charset": part.get_content_charset(),
                      "transfer_encoding": part.get("Content-Transfer-Encoding", ""),
                      # IMAP stores CRLF line ends; the letter was rendered with LF.
                      "content": part.get_content().replace("\r\n", "\n")})
    to = message["To"].addresses[0] if message["To"] is not None else None
    sender = message["From"].addresses[0] if message["From"] is not None else None
    return {"flags": flags, "content_type": message.get_content_type(), "headers": headers,
            "to": {"name": to.display_name, "address": to.addr_spec} if to else None,
            "from": {"name": sender.display_name, "address": sender.addr_spec} if sender else None,
            "parts": parts, "defects": [str(d) for d in message.defects]}


def count(folder):
    imap = connect()
    status, data = imap.select(quoted(folder), readonly=True)
    imap.logout()
    return {"count": int(data[0]) if status == "OK" else -1}


if __name__ == "__main__":
    if sys.argv[1] == "fetch":
        result = fetch(sys.argv[2], sys.argv[3])
    else:
        result = count(sys.argv[2])
    print(json.dumps(result, ensure_ascii=False))
