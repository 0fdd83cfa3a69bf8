#!/usr/bin/env python3
"""Independent reference for Moraine's SSE package format, version 1 (docs/encryption.md).

Written from the format description alone (not from the Java code), with the `cryptography`
package's AES-GCM. Run it from this directory to regenerate the fixtures; GoldenFixtureTest
checks the Java implementation against them byte for byte. Fixtures are never deleted: a new
format version gets new files beside these.
"""
import hashlib
import struct

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PACKAGE = 64 * 1024
MARKER = b"MORAINE-SSE"
VERSION = 1

KEY = bytes(range(32))
NONCE_BASE = bytes(range(0xA0, 0xAC))
BUCKET = "golden-bucket"
OBJECT_KEY = "photos/2026/snow \u2603.jpg"
INSTANCE = "6d6f7261696e652d676f6c64656e2d31"
PART_DATA_ID = "00112233445566778899aabbccddeeff"
PLAINTEXT = bytes((i * 31 + 7) & 0xFF for i in range(PACKAGE + 1000))


def lp(s):
    b = s.encode("utf-8")
    return struct.pack(">I", len(b)) + b


def aad(final, index, part):
    return (MARKER + bytes([VERSION, 1 if final else 0]) + struct.pack(">Q", index)
            + struct.pack(">I", part) + lp(BUCKET) + lp(OBJECT_KEY) + lp(INSTANCE))


def nonce(base, index):
    return base[:4] + bytes(a ^ b for a, b in zip(base[4:], struct.pack(">Q", index)))


def part_nonce_base(base, data_id):
    h = hashlib.sha256(b"MORAINE-SSE part nonce v1" + data_id.encode("utf-8")).digest()
    return bytes(a ^ b for a, b in zip(base, h[:12]))


def seal(plaintext, base, part):
    count = max(1, -(-len(plaintext) // PACKAGE))
    out = b""
    for i in range(count):
        chunk = plaintext[i * PACKAGE:(i + 1) * PACKAGE]
        out += AESGCM(KEY).encrypt(nonce(base, i), chunk, aad(i == count - 1, i, part))
    return out


def main():
    vectors = {
        "golden-v1-single.bin": seal(PLAINTEXT, NONCE_BASE, 0),
        "golden-v1-part3.bin": seal(PLAINTEXT, part_nonce_base(NONCE_BASE, PART_DATA_ID), 3),
        "golden-v1-empty.bin": seal(b"", NONCE_BASE, 0),
    }
    with open("golden-v1.sha256", "w") as index:
        for name, data in vectors.items():
            with open(name, "wb") as f:
                f.write(data)
            index.write(f"{hashlib.sha256(data).hexdigest()}  {name}\n")


if __name__ == "__main__":
    main()
