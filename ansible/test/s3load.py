#!/usr/bin/env python3
"""A PUT/GET loop against one S3 endpoint, for drills (ansible/test/deploy.sh).

Every PUT writes a fresh key with a seeded random body; every GET reads back a key written
earlier and compares it byte for byte with what was acknowledged. Retries are OFF (one attempt
per request), so a request that fails during a drill is counted, not hidden by the SDK.
Runs until the stop file exists (or --seconds pass), then prints one line:
  load puts N gets N failures N mismatches N
and each failure (time, operation, key, error) on its own line before it. Exit status 0 only
when failures and mismatches are both 0.
"""
import argparse
import hashlib
import os
import random
import sys
import time

import boto3
from botocore.config import Config


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--endpoint", required=True)
    ap.add_argument("--bucket", required=True)
    ap.add_argument("--stop-file", help="stop when this file exists")
    ap.add_argument("--seconds", type=float, default=0, help="stop after this long (0: only the stop file)")
    ap.add_argument("--size", type=int, default=64 * 1024)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    s3 = boto3.client(
        "s3", endpoint_url=args.endpoint, region_name="us-east-1",
        aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"],
        config=Config(retries={"total_max_attempts": 1}, connect_timeout=5, read_timeout=30,
                      s3={"addressing_style": "path"}))
    rnd = random.Random(args.seed)
    written = {}  # key -> sha256 of the acknowledged body
    puts = gets = failures = mismatches = 0
    start = time.monotonic()
    n = 0
    while True:
        if args.stop_file and os.path.exists(args.stop_file):
            break
        if args.seconds and time.monotonic() - start >= args.seconds:
            break
        if not written or rnd.random() < 0.5:
            key = f"load/{args.seed}/{n:08d}"
            n += 1
            body = rnd.randbytes(args.size)
            try:
                s3.put_object(Bucket=args.bucket, Key=key, Body=body)
                written[key] = hashlib.sha256(body).hexdigest()
                puts += 1
            except Exception as e:  # noqa: BLE001 - every failure is reported, none retried
                failures += 1
                print(f"failure {time.strftime('%H:%M:%S')} put {key} {type(e).__name__}: {e}", flush=True)
        else:
            key = rnd.choice(list(written))
            try:
                got = s3.get_object(Bucket=args.bucket, Key=key)["Body"].read()
                gets += 1
                if hashlib.sha256(got).hexdigest() != written[key]:
                    mismatches += 1
                    print(f"mismatch {time.strftime('%H:%M:%S')} get {key} {len(got)} bytes", flush=True)
            except Exception as e:  # noqa: BLE001
                failures += 1
                print(f"failure {time.strftime('%H:%M:%S')} get {key} {type(e).__name__}: {e}", flush=True)
    print(f"load puts {puts} gets {gets} failures {failures} mismatches {mismatches}", flush=True)
    return 0 if failures == 0 and mismatches == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
