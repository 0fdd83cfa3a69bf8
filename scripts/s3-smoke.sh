#!/usr/bin/env bash
# scripts/s3-smoke.sh ENDPOINT — drives a running Moraine (e.g. `bin/moraine dev`) with three
# independent S3 clients: the aws cli (s3api and s3), boto3 and rclone. Every step prints
# PASS/FAIL; the exit status is non-zero when any step failed (or a client is missing).
#
#   scripts/s3-smoke.sh http://127.0.0.1:9000
#
# Credentials: MORAINE_ROOT_ACCESS_KEY / MORAINE_ROOT_SECRET_KEY, else moraineadmin/moraineadmin
# (DESIGN.md, Contracts). Path-style addressing, region us-east-1. Buckets are named
# smoke-<client>-<random> and removed at the end, so runs do not collide. With a second account
# (`bin/moraine admin user create NAME`) in SMOKE_ALT_ACCESS_KEY / SMOKE_ALT_SECRET_KEY, boto3 also
# checks the cross-account answers (BucketAlreadyExists, AccessDenied).
set -uo pipefail

ENDPOINT="${1:?usage: scripts/s3-smoke.sh ENDPOINT (e.g. http://127.0.0.1:9000)}"
export AWS_ACCESS_KEY_ID="${MORAINE_ROOT_ACCESS_KEY:-moraineadmin}"
export AWS_SECRET_ACCESS_KEY="${MORAINE_ROOT_SECRET_KEY:-moraineadmin}"
export AWS_DEFAULT_REGION=us-east-1
export AWS_EC2_METADATA_DISABLED=true
unset AWS_PROFILE AWS_SESSION_TOKEN
RUN_ID="$(od -An -N4 -tx4 /dev/urandom | tr -d ' \n')"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/moraine-smoke.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
FAILED=0
PASSED=0

pass() { PASSED=$((PASSED + 1)); echo "PASS $*"; }
fail() { FAILED=$((FAILED + 1)); echo "FAIL $*"; }

# step NAME CMD...: runs CMD, PASS when it exits 0 (its output is kept for failures only).
step() {
  local name="$1"; shift
  if "$@" >"$WORK/out" 2>&1; then pass "$name"; else fail "$name"; sed 's/^/     /' "$WORK/out" | tail -15; fi
}

# expect_error NAME CODE CMD...: CMD must fail with S3 error CODE in its output.
expect_error() {
  local name="$1" code="$2"; shift 2
  if "$@" >"$WORK/out" 2>&1; then
    fail "$name (succeeded, expected $code)"
  elif grep -q "$code" "$WORK/out"; then
    pass "$name"
  else
    fail "$name (expected $code)"; sed 's/^/     /' "$WORK/out" | tail -15
  fi
}

# ---- aws cli -------------------------------------------------------------------------------
aws_cli() {
  local B="smoke-cli-$RUN_ID"
  local api=(aws --endpoint-url "$ENDPOINT" s3api)
  echo "== aws cli ($(aws --version 2>&1 | head -1))"
  head -c 100000 /dev/urandom >"$WORK/small.bin"
  head -c $((12 * 1024 * 1024 + 123)) /dev/urandom >"$WORK/big.bin"
  step "cli create-bucket" "${api[@]}" create-bucket --bucket "$B"
  step "cli head-bucket" "${api[@]}" head-bucket --bucket "$B"
  step "cli list-buckets" sh -c "$(printf '%q ' "${api[@]}") list-buckets --query 'Buckets[].Name' --output text | grep -q $B"
  step "cli put-object" "${api[@]}" put-object --bucket "$B" --key "dir/small.bin" --body "$WORK/small.bin" \
    --content-type application/x-test --metadata color=blue
  step "cli get-object" "${api[@]}" get-object --bucket "$B" --key "dir/small.bin" "$WORK/small.out"
  step "cli get-object bytes equal" cmp "$WORK/small.bin" "$WORK/small.out"
  step "cli head-object metadata" sh -c "$(printf '%q ' "${api[@]}") head-object --bucket $B --key dir/small.bin | grep -q '\"color\": \"blue\"'"
  step "cli get-object range" sh -c "$(printf '%q ' "${api[@]}") get-object --bucket $B --key dir/small.bin --range bytes=10-19 $WORK/range.out >/dev/null && [ \$(stat -c %s $WORK/range.out) = 10 ]"
  expect_error "cli get-object missing key" NoSuchKey "${api[@]}" get-object --bucket "$B" --key nope "$WORK/nope"
  step "cli s3 cp multipart (12 MiB)" aws --endpoint-url "$ENDPOINT" s3 cp "$WORK/big.bin" "s3://$B/big.bin"
  step "cli s3 cp back" aws --endpoint-url "$ENDPOINT" s3 cp "s3://$B/big.bin" "$WORK/big.out"
  step "cli multipart bytes equal" cmp "$WORK/big.bin" "$WORK/big.out"
  step "cli list-objects-v2 delimiter" sh -c "$(printf '%q ' "${api[@]}") list-objects-v2 --bucket $B --delimiter / --query 'CommonPrefixes[].Prefix' --output text | grep -qx dir/"
  step "cli copy-object" "${api[@]}" copy-object --bucket "$B" --key copy.bin --copy-source "$B/dir/small.bin"
  step "cli put-bucket-versioning Enabled" "${api[@]}" put-bucket-versioning --bucket "$B" \
    --versioning-configuration Status=Enabled
  step "cli get-bucket-versioning" sh -c "$(printf '%q ' "${api[@]}") get-bucket-versioning --bucket $B --query Status --output text | grep -qx Enabled"
  step "cli versioned put" sh -c "$(printf '%q ' "${api[@]}") put-object --bucket $B --key v.txt --body $WORK/small.bin --query VersionId --output text | grep -qv None"
  step "cli delete (marker)" sh -c "$(printf '%q ' "${api[@]}") delete-object --bucket $B --key v.txt | grep -q DeleteMarker"
  step "cli list-object-versions" sh -c "$(printf '%q ' "${api[@]}") list-object-versions --bucket $B --prefix v.txt --query 'length(DeleteMarkers)' --output text | grep -qx 1"
  # Empty the bucket: every version and marker, then the bucket.
  "${api[@]}" list-object-versions --bucket "$B" --output json \
    --query '{Objects: [Versions[].{Key: Key, VersionId: VersionId}, DeleteMarkers[].{Key: Key, VersionId: VersionId}][]}' \
    >"$WORK/del.json" 2>"$WORK/out"
  step "cli delete-objects (all versions)" "${api[@]}" delete-objects --bucket "$B" --delete "file://$WORK/del.json"
  step "cli delete-bucket" "${api[@]}" delete-bucket --bucket "$B"
  expect_error "cli head deleted bucket" "404" "${api[@]}" head-bucket --bucket "$B"
}

# ---- aws cli: IAM, STS and access control ----------------------------------------------------
aws_iam_sts() {
  local B="smoke-iam-$RUN_ID" U="smoke-user-$RUN_ID" R="smoke-role-$RUN_ID"
  local aws=(aws --endpoint-url "$ENDPOINT")
  echo "== aws cli: iam, sts, policies, ACLs"
  local acct
  acct="$("${aws[@]}" sts get-caller-identity --query Account --output text 2>"$WORK/out")"
  step "sts get-caller-identity (12-digit account)" sh -c "echo '$acct' | grep -Eqx '[0-9]{12}'"
  step "iam create-user" "${aws[@]}" iam create-user --user-name "$U"
  expect_error "iam create-user twice" EntityAlreadyExists "${aws[@]}" iam create-user --user-name "$U"
  "${aws[@]}" iam create-access-key --user-name "$U" --query 'AccessKey.[AccessKeyId,SecretAccessKey]' --output text \
    >"$WORK/key" 2>"$WORK/out"
  local uak usk
  read -r uak usk <"$WORK/key"
  step "iam create-access-key" test -n "$uak"
  step "s3 create-bucket" "${aws[@]}" s3api create-bucket --bucket "$B"
  echo hello >"$WORK/hello.txt"
  step "s3 put private and public-read objects" sh -c "$(printf '%q ' "${aws[@]}") s3api put-object --bucket $B --key home/$U/a.txt --body $WORK/hello.txt >/dev/null && $(printf '%q ' "${aws[@]}") s3api put-object --bucket $B --key pub.txt --acl public-read --body $WORK/hello.txt >/dev/null"
  step "curl: public-read object anonymously" sh -c "curl -sf $ENDPOINT/$B/pub.txt | grep -qx hello"
  step "curl: private object is 403" sh -c "[ \$(curl -s -o /dev/null -w '%{http_code}' $ENDPOINT/$B/home/$U/a.txt) = 403 ]"
  local user=(env AWS_ACCESS_KEY_ID="$uak" AWS_SECRET_ACCESS_KEY="$usk" aws --endpoint-url "$ENDPOINT")
  sleep 1
  expect_error "user without policy is denied" AccessDenied "${user[@]}" s3api get-object --bucket "$B" --key "home/$U/a.txt" "$WORK/o"
  step "iam put-user-policy (own prefix)" "${aws[@]}" iam put-user-policy --user-name "$U" --policy-name home \
    --policy-document "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::$B/home/\${aws:username}/*\"}]}"
  step "user reads its prefix" "${user[@]}" s3api get-object --bucket "$B" --key "home/$U/a.txt" "$WORK/o"
  expect_error "user denied outside its prefix" AccessDenied "${user[@]}" s3api get-object --bucket "$B" --key pub.txt "$WORK/o"
  step "bucket policy deny beats the user's allow" "${aws[@]}" s3api put-bucket-policy --bucket "$B" --policy \
    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Principal\":{\"AWS\":\"arn:aws:iam::$acct:user/$U\"},\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::$B/*\"}]}"
  expect_error "user denied by the bucket policy" AccessDenied "${user[@]}" s3api get-object --bucket "$B" --key "home/$U/a.txt" "$WORK/o"
  step "s3 delete-bucket-policy" "${aws[@]}" s3api delete-bucket-policy --bucket "$B"
  step "iam create-role (trusting the user)" "${aws[@]}" iam create-role --role-name "$R" --assume-role-policy-document \
    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::$acct:user/$U\"},\"Action\":\"sts:AssumeRole\"}]}"
  step "iam attach-role-policy (AmazonS3ReadOnlyAccess)" "${aws[@]}" iam attach-role-policy --role-name "$R" \
    --policy-arn arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess
  "${user[@]}" sts assume-role --role-arn "arn:aws:iam::$acct:role/$R" --role-session-name smoke \
    --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text >"$WORK/sess" 2>"$WORK/out"
  local sak ssk stok
  read -r sak ssk stok <"$WORK/sess"
  step "sts assume-role" test -n "$stok"
  local role=(env AWS_ACCESS_KEY_ID="$sak" AWS_SECRET_ACCESS_KEY="$ssk" AWS_SESSION_TOKEN="$stok" aws --endpoint-url "$ENDPOINT")
  step "role session identity" sh -c "$(printf '%q ' "${role[@]}") sts get-caller-identity --query Arn --output text | grep -q assumed-role/$R/smoke"
  step "role session reads" "${role[@]}" s3api get-object --bucket "$B" --key pub.txt "$WORK/o"
  expect_error "role session cannot write" AccessDenied "${role[@]}" s3api put-object --bucket "$B" --key x --body "$WORK/hello.txt"
  # Clean up: entities in dependency order, then the bucket.
  "${aws[@]}" iam detach-role-policy --role-name "$R" --policy-arn arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess >/dev/null 2>&1
  step "iam delete-role" "${aws[@]}" iam delete-role --role-name "$R"
  expect_error "iam delete-user with a key and a policy" DeleteConflict "${aws[@]}" iam delete-user --user-name "$U"
  "${aws[@]}" iam delete-user-policy --user-name "$U" --policy-name home >/dev/null 2>&1
  "${aws[@]}" iam delete-access-key --user-name "$U" --access-key-id "$uak" >/dev/null 2>&1
  step "iam delete-user" "${aws[@]}" iam delete-user --user-name "$U"
  expect_error "deleted user's key is gone" InvalidAccessKeyId "${user[@]}" s3api list-buckets
  "${aws[@]}" s3 rb --force "s3://$B" >/dev/null 2>&1
}

# ---- boto3 ---------------------------------------------------------------------------------
boto3_client() {
  echo "== boto3 ($(python3 -c 'import boto3; print(boto3.__version__)' 2>&1))"
  ENDPOINT="$ENDPOINT" BUCKET="smoke-boto-$RUN_ID" ALT_AK="${SMOKE_ALT_ACCESS_KEY:-}" ALT_SK="${SMOKE_ALT_SECRET_KEY:-}" \
    python3 - <<'PY'
import os, sys, hashlib
import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

s3 = boto3.client("s3", endpoint_url=os.environ["ENDPOINT"], region_name="us-east-1",
                  config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 2}))
B = os.environ["BUCKET"]
failed = 0

def check(name, fn):
    global failed
    try:
        r = fn()
        if r is False:
            raise AssertionError("check returned False")
        print("PASS boto3", name)
    except Exception as e:  # report and go on: the script counts failures
        failed += 1
        print("FAIL boto3", name, "--", type(e).__name__, e)

def error(name, code, fn, status=None):
    global failed
    try:
        fn()
        failed += 1
        print("FAIL boto3", name, "-- succeeded, expected", code)
    except ClientError as e:
        got = e.response["Error"]["Code"]
        st = e.response["ResponseMetadata"]["HTTPStatusCode"]
        if got == code and (status is None or st == status):
            print("PASS boto3", name)
        else:
            failed += 1
            print("FAIL boto3", name, "-- got", got, st, "expected", code, status)

data = os.urandom(300_000)
check("create_bucket", lambda: s3.create_bucket(Bucket=B))
check("put_object", lambda: s3.put_object(Bucket=B, Key="a/b.bin", Body=data, Metadata={"k": "v"}))
check("get_object", lambda: s3.get_object(Bucket=B, Key="a/b.bin")["Body"].read() == data)
check("get_object range suffix", lambda: s3.get_object(Bucket=B, Key="a/b.bin", Range="bytes=-100")["Body"].read() == data[-100:])
error("get_object InvalidRange", "InvalidRange", lambda: s3.get_object(Bucket=B, Key="a/b.bin", Range="bytes=400000-"), 416)
etag = s3.head_object(Bucket=B, Key="a/b.bin")["ETag"]
check("etag is md5", lambda: etag.strip('"') == hashlib.md5(data).hexdigest())
error("if-match fails", "PreconditionFailed", lambda: s3.get_object(Bucket=B, Key="a/b.bin", IfMatch='"0"'), 412)
error("if-none-match 304", "304", lambda: s3.head_object(Bucket=B, Key="a/b.bin", IfNoneMatch=etag))
check("head_object metadata", lambda: s3.head_object(Bucket=B, Key="a/b.bin")["Metadata"] == {"k": "v"})
check("copy_object REPLACE", lambda: s3.copy_object(Bucket=B, Key="c.bin", CopySource={"Bucket": B, "Key": "a/b.bin"},
                                                    MetadataDirective="REPLACE", Metadata={"x": "y"}))
check("copied metadata", lambda: s3.head_object(Bucket=B, Key="c.bin")["Metadata"] == {"x": "y"})
check("list_objects_v2", lambda: [o["Key"] for o in s3.list_objects_v2(Bucket=B)["Contents"]] == ["a/b.bin", "c.bin"])
check("list_objects v1 delimiter", lambda: [p["Prefix"] for p in s3.list_objects(Bucket=B, Delimiter="/")["CommonPrefixes"]] == ["a/"])
check("paginator v2 max-keys 1", lambda: sum(len(p.get("Contents", [])) for p in
      s3.get_paginator("list_objects_v2").paginate(Bucket=B, PaginationConfig={"PageSize": 1})) == 2)

mp = s3.create_multipart_upload(Bucket=B, Key="mp.bin")["UploadId"]
p1 = os.urandom(5 * 1024 * 1024)
p2 = os.urandom(1000)
e1 = s3.upload_part(Bucket=B, Key="mp.bin", UploadId=mp, PartNumber=1, Body=p1)["ETag"]
e2 = s3.upload_part(Bucket=B, Key="mp.bin", UploadId=mp, PartNumber=2, Body=p2)["ETag"]
check("list_parts", lambda: [p["PartNumber"] for p in s3.list_parts(Bucket=B, Key="mp.bin", UploadId=mp)["Parts"]] == [1, 2])
error("complete out of order", "InvalidPartOrder", lambda: s3.complete_multipart_upload(Bucket=B, Key="mp.bin", UploadId=mp,
      MultipartUpload={"Parts": [{"PartNumber": 2, "ETag": e2}, {"PartNumber": 1, "ETag": e1}]}))
check("complete_multipart_upload", lambda: s3.complete_multipart_upload(Bucket=B, Key="mp.bin", UploadId=mp,
      MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": e1}, {"PartNumber": 2, "ETag": e2}]})["ETag"].endswith('-2"'))
check("multipart bytes", lambda: s3.get_object(Bucket=B, Key="mp.bin")["Body"].read() == p1 + p2)
check("get by partNumber", lambda: s3.get_object(Bucket=B, Key="mp.bin", PartNumber=2)["Body"].read() == p2)
check("head partsCount", lambda: s3.head_object(Bucket=B, Key="mp.bin", PartNumber=1)["PartsCount"] == 2)
check("get_object_attributes", lambda: s3.get_object_attributes(Bucket=B, Key="mp.bin",
      ObjectAttributes=["ETag", "ObjectParts", "ObjectSize"])["ObjectSize"] == len(p1) + len(p2))
mp2 = s3.create_multipart_upload(Bucket=B, Key="pc.bin")["UploadId"]
pc = s3.upload_part_copy(Bucket=B, Key="pc.bin", UploadId=mp2, PartNumber=1, CopySource={"Bucket": B, "Key": "mp.bin"},
                         CopySourceRange="bytes=0-99")
check("upload_part_copy range", lambda: s3.complete_multipart_upload(Bucket=B, Key="pc.bin", UploadId=mp2,
      MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": pc["CopyPartResult"]["ETag"]}]}) and
      s3.get_object(Bucket=B, Key="pc.bin")["Body"].read() == p1[:100])
# Conditional PUTs arrived in botocore 1.35; older ones (Debian 12's) cannot send them.
if "IfNoneMatch" in s3.meta.service_model.operation_model("PutObject").input_shape.members:
    error("put If-None-Match * on existing", "PreconditionFailed", lambda: s3.put_object(Bucket=B, Key="mp.bin", Body=b"x", IfNoneMatch="*"), 412)
    check("put If-None-Match * on new key", lambda: s3.put_object(Bucket=B, Key="fresh", Body=b"x", IfNoneMatch="*"))
else:
    print("skip conditional PUT checks: this botocore has no IfNoneMatch on PutObject")
sums = s3.put_object(Bucket=B, Key="sum", Body=b"sum me", ChecksumAlgorithm="SHA256")
check("checksum mode", lambda: s3.head_object(Bucket=B, Key="sum", ChecksumMode="ENABLED")["ChecksumSHA256"] == sums["ChecksumSHA256"])
error("upload to completed", "NoSuchUpload", lambda: s3.upload_part(Bucket=B, Key="mp.bin", UploadId=mp, PartNumber=3, Body=b"x"))

check("put_bucket_versioning", lambda: s3.put_bucket_versioning(Bucket=B, VersioningConfiguration={"Status": "Enabled"}))
error("versioning Disabled", "MalformedXML", lambda: s3.put_bucket_versioning(Bucket=B, VersioningConfiguration={"Status": "Disabled"}))
v1 = s3.put_object(Bucket=B, Key="v", Body=b"one")["VersionId"]
v2 = s3.put_object(Bucket=B, Key="v", Body=b"two")["VersionId"]
check("version ids differ", lambda: v1 != v2 and v1 != "null")
check("get by version", lambda: s3.get_object(Bucket=B, Key="v", VersionId=v1)["Body"].read() == b"one")
dm = s3.delete_object(Bucket=B, Key="v")
check("delete marker", lambda: dm.get("DeleteMarker") is True)
error("get after delete", "NoSuchKey", lambda: s3.get_object(Bucket=B, Key="v"), 404)
error("get marker by id", "MethodNotAllowed", lambda: s3.get_object(Bucket=B, Key="v", VersionId=dm["VersionId"]), 405)
check("undelete", lambda: s3.delete_object(Bucket=B, Key="v", VersionId=dm["VersionId"]) and
      s3.get_object(Bucket=B, Key="v")["Body"].read() == b"two")
error("no such version", "NoSuchVersion", lambda: s3.get_object(Bucket=B, Key="v", VersionId="00000000000000ff"), 404)
vs = s3.list_object_versions(Bucket=B, Prefix="v")
check("list_object_versions", lambda: [v["VersionId"] for v in vs["Versions"]] == [v2, v1] and vs["Versions"][0]["IsLatest"])

error("bucket not empty", "BucketNotEmpty", lambda: s3.delete_bucket(Bucket=B), 409)
error("no such bucket", "NoSuchBucket", lambda: s3.list_objects_v2(Bucket=B + "-missing"), 404)
check("create owned bucket again (us-east-1: 200)", lambda: s3.create_bucket(Bucket=B))
if os.environ.get("ALT_AK"):
    alt = boto3.client("s3", endpoint_url=os.environ["ENDPOINT"], region_name="us-east-1",
                       aws_access_key_id=os.environ["ALT_AK"], aws_secret_access_key=os.environ["ALT_SK"],
                       config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 2}))
    error("other account: create taken name", "BucketAlreadyExists", lambda: alt.create_bucket(Bucket=B), 409)
    error("other account: get object", "AccessDenied", lambda: alt.get_object(Bucket=B, Key="v"), 403)
    error("other account: put object", "AccessDenied", lambda: alt.put_object(Bucket=B, Key="x", Body=b"x"), 403)
    error("other account: list", "AccessDenied", lambda: alt.list_objects_v2(Bucket=B), 403)
    check("other account: own buckets only", lambda: B not in [b["Name"] for b in alt.list_buckets()["Buckets"]])
else:
    print("SKIP boto3 cross-account checks (set SMOKE_ALT_ACCESS_KEY / SMOKE_ALT_SECRET_KEY)")

def empty(bucket):
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
        objs = [{"Key": v["Key"], "VersionId": v["VersionId"]} for v in page.get("Versions", []) + page.get("DeleteMarkers", [])]
        if objs:
            s3.delete_objects(Bucket=bucket, Delete={"Objects": objs, "Quiet": True})
check("empty bucket (delete_objects quiet)", lambda: empty(B) or True)
check("delete_bucket", lambda: s3.delete_bucket(Bucket=B))
sys.exit(1 if failed else 0)
PY
  local rc=$?
  # The python block prints its own PASS/FAIL lines; count them.
  if [[ $rc -ne 0 ]]; then FAILED=$((FAILED + 1)); echo "FAIL boto3 (some checks failed)"; fi
}

# ---- rclone --------------------------------------------------------------------------------
rclone_client() {
  echo "== rclone ($(rclone version 2>/dev/null | head -1))"
  local B="smoke-rclone-$RUN_ID"
  export RCLONE_CONFIG_MORAINE_TYPE=s3
  export RCLONE_CONFIG_MORAINE_PROVIDER=Other
  export RCLONE_CONFIG_MORAINE_ENDPOINT="$ENDPOINT"
  export RCLONE_CONFIG_MORAINE_ACCESS_KEY_ID="$AWS_ACCESS_KEY_ID"
  export RCLONE_CONFIG_MORAINE_SECRET_ACCESS_KEY="$AWS_SECRET_ACCESS_KEY"
  export RCLONE_CONFIG_MORAINE_REGION=us-east-1
  export RCLONE_CONFIG_MORAINE_FORCE_PATH_STYLE=true
  # AWS_CA_BUNDLE (often set for the aws cli) makes rclone's SDK refuse its own HTTP transport;
  # the endpoint's TLS, if any, is verified with the system store instead.
  local rc=(env -u AWS_CA_BUNDLE rclone --config /dev/null --retries 1 --low-level-retries 1)
  mkdir -p "$WORK/tree/sub/deeper"
  for i in 1 2 3; do head -c $((i * 70000)) /dev/urandom >"$WORK/tree/f$i.bin"; done
  head -c 6000000 /dev/urandom >"$WORK/tree/sub/large.bin"
  echo "hello" >"$WORK/tree/sub/deeper/hello world.txt"
  step "rclone mkdir" "${rc[@]}" mkdir "moraine:$B"
  step "rclone copy tree" "${rc[@]}" copy "$WORK/tree" "moraine:$B/tree"
  step "rclone check (md5 + sizes)" "${rc[@]}" check "$WORK/tree" "moraine:$B/tree"
  step "rclone lsf recursive" sh -c "$(printf '%q ' "${rc[@]}") lsf -R moraine:$B/tree | grep -q 'sub/deeper/hello world.txt'"
  step "rclone copy back" "${rc[@]}" copy "moraine:$B/tree" "$WORK/back"
  step "rclone bytes equal" diff -r "$WORK/tree" "$WORK/back"
  rm "$WORK/tree/f2.bin"
  step "rclone sync (deletes)" "${rc[@]}" sync "$WORK/tree" "moraine:$B/tree"
  step "rclone f2 gone" sh -c "$(printf '%q ' "${rc[@]}") lsf moraine:$B/tree >$WORK/lsf && grep -q f1.bin $WORK/lsf && ! grep -q f2.bin $WORK/lsf"
  step "rclone purge" "${rc[@]}" purge "moraine:$B"
}

# totp BASE32 OFFSET: the RFC 6238 code (SHA-1, 30 s, 6 digits) OFFSET steps from now, as an authenticator app shows it.
totp() {
  python3 -c '
import base64, hashlib, hmac, struct, sys, time
k = base64.b32decode(sys.argv[1] + "=" * (-len(sys.argv[1]) % 8))
h = hmac.new(k, struct.pack(">Q", int(time.time()) // 30 + int(sys.argv[2])), hashlib.sha1).digest()
o = h[-1] & 15
print("%06d" % ((struct.unpack(">I", h[o:o + 4])[0] & 0x7fffffff) % 1000000))' "$1" "$2"
}

aws_mfa_delete() {
  local B="smoke-mfa-$RUN_ID" M="smoke-mfa-$RUN_ID"
  local aws=(aws --endpoint-url "$ENDPOINT")
  echo "== aws cli: virtual MFA device and MFA delete"
  local serial seed v
  serial="$("${aws[@]}" iam create-virtual-mfa-device --virtual-mfa-device-name "$M" --outfile "$WORK/seed" \
    --bootstrap-method Base32StringSeed --query VirtualMFADevice.SerialNumber --output text 2>"$WORK/out")"
  seed="$(cat "$WORK/seed" 2>/dev/null)"
  step "iam create-virtual-mfa-device (seed to --outfile)" test -n "$seed"
  step "iam create-virtual-mfa-device --bootstrap-method QRCodePNG (a PNG)" sh -c "$(printf '%q ' "${aws[@]}") iam create-virtual-mfa-device --virtual-mfa-device-name $M-qr --outfile $WORK/qr.png --bootstrap-method QRCodePNG >/dev/null && head -c 8 $WORK/qr.png | od -An -tx1 | grep -q '89 50 4e 47 0d 0a 1a 0a'"
  expect_error "iam enable-mfa-device with wrong codes" InvalidAuthenticationCode "${aws[@]}" iam enable-mfa-device \
    --user-name root --serial-number "$serial" --authentication-code1 000000 --authentication-code2 000000
  step "iam enable-mfa-device (two consecutive codes)" "${aws[@]}" iam enable-mfa-device --user-name root \
    --serial-number "$serial" --authentication-code1 "$(totp "$seed" -1)" --authentication-code2 "$(totp "$seed" 0)"
  step "iam list-mfa-devices" sh -c "$(printf '%q ' "${aws[@]}") iam list-mfa-devices --user-name root | grep -q '$serial'"
  step "s3 create-bucket, versioning on" sh -c "$(printf '%q ' "${aws[@]}") s3api create-bucket --bucket $B >/dev/null && $(printf '%q ' "${aws[@]}") s3api put-bucket-versioning --bucket $B --versioning-configuration Status=Enabled"
  echo kept >"$WORK/kept.txt"
  v="$("${aws[@]}" s3api put-object --bucket "$B" --key kept --body "$WORK/kept.txt" --query VersionId --output text 2>"$WORK/out")"
  expect_error "MfaDelete without x-amz-mfa" AccessDenied "${aws[@]}" s3api put-bucket-versioning --bucket "$B" \
    --versioning-configuration Status=Enabled,MFADelete=Enabled
  step "put-bucket-versioning MFADelete=Enabled --mfa" "${aws[@]}" s3api put-bucket-versioning --bucket "$B" \
    --versioning-configuration Status=Enabled,MFADelete=Enabled --mfa "$serial $(totp "$seed" 1)"
  expect_error "version delete without a code" AccessDenied "${aws[@]}" s3api delete-object --bucket "$B" --key kept --version-id "$v"
  expect_error "version delete with a used code" AccessDenied "${aws[@]}" s3api delete-object --bucket "$B" --key kept \
    --version-id "$v" --mfa "$serial $(totp "$seed" 1)"
  expect_error "suspending without a code" AccessDenied "${aws[@]}" s3api put-bucket-versioning --bucket "$B" \
    --versioning-configuration Status=Suspended
  step "version delete with a fresh code" "${aws[@]}" s3api delete-object --bucket "$B" --key kept --version-id "$v" \
    --mfa "$serial $(totp "$seed" 2)"
  # Clean up: MFA delete off (needs a code), the bucket, the device unbound.
  sleep 1
  "${aws[@]}" s3api put-bucket-versioning --bucket "$B" --versioning-configuration Status=Suspended,MFADelete=Disabled \
    --mfa "$serial $(totp "$seed" 3)" >/dev/null 2>&1 || true
  "${aws[@]}" s3api delete-bucket --bucket "$B" >/dev/null 2>&1 || true
  "${aws[@]}" iam deactivate-mfa-device --user-name root --serial-number "$serial" >/dev/null 2>&1 || true
}

for tool in aws python3 rclone; do
  command -v "$tool" >/dev/null || { fail "client $tool not installed"; }
done
python3 -c 'import boto3' 2>/dev/null || fail "python3-boto3 not installed"

command -v aws >/dev/null && aws_cli
command -v aws >/dev/null && aws_iam_sts
command -v aws >/dev/null && aws_mfa_delete
python3 -c 'import boto3' 2>/dev/null && boto3_client
command -v rclone >/dev/null && rclone_client

echo "== summary: shell steps passed $PASSED, failed $FAILED (boto3 checks are listed above)"
[[ $FAILED -eq 0 ]]
