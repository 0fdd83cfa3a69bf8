package io.moraine.gateway.http;

import io.moraine.gateway.error.S3Error;
import io.moraine.gateway.error.S3Exception;

/** Parses a request into its one {@link S3Operation}, from method, addressing and query. */
public final class Router {

  private Router() {}

  public static S3Operation route(S3Request r) {
    // S3 Control shares the listener: its paths are /v20180820/..., always with x-amz-account-id
    // (and, from SDKs that prefix the host with the account id, a "bucket" in the host).
    java.util.Optional<String> account = r.header("x-amz-account-id");
    if (account.isPresent() && r.signed().decodedPath().equals(
        io.moraine.gateway.publicaccess.AccountPublicAccessBlockApi.PATH)) {
      return new S3Operation.AccountPublicAccessBlock(account.get().strip(), r.method());
    }
    if (r.bucket() != null && r.key() == null) {
      if (r.hasQuery("versioning")) {
        return switch (r.method()) {
          case "GET" -> new S3Operation.GetBucketVersioning(r.bucket());
          case "PUT" -> new S3Operation.PutBucketVersioning(r.bucket());
          default -> throw notAllowed();
        };
      }
      if (r.hasQuery("versions") && r.method().equals("GET")) {
        return new S3Operation.ListObjectVersions(r.bucket());
      }
    }
    if (r.method().equals("OPTIONS")) {
      if (r.bucket() == null) {
        throw notAllowed();
      }
      return new S3Operation.Preflight(r.bucket());
    }
    java.util.Optional<Subresource> sub = Subresource.in(r);
    if (sub.isPresent() && r.bucket() != null) {
      Subresource s = sub.get();
      if (r.key() == null && s.onBucket()) {
        return new S3Operation.BucketSubresource(r.bucket(), s, r.method());
      }
      if (r.key() != null && s.onObject()) {
        return new S3Operation.ObjectSubresource(r.bucket(), r.key(), s, r.method());
      }
      return new S3Operation.Unsupported("?" + s.query());
    }
    String method = r.method();
    String bucket = r.bucket();
    String key = r.key();
    if (bucket == null) {
      return switch (method) {
        case "GET" -> new S3Operation.ListBuckets();
        default -> throw notAllowed();
      };
    }
    if (key == null) {
      return switch (method) {
        case "PUT" -> new S3Operation.CreateBucket(bucket);
        case "HEAD" -> new S3Operation.HeadBucket(bucket);
        case "DELETE" -> new S3Operation.DeleteBucket(bucket);
        case "GET" -> {
          if (r.hasQuery("location")) {
            yield new S3Operation.GetBucketLocation(bucket);
          }
          if (r.hasQuery("uploads")) {
            yield new S3Operation.ListMultipartUploads(bucket);
          }
          yield r.query("list-type").map(String::strip).orElse("1").equals("2")
              ? new S3Operation.ListObjectsV2(bucket) : new S3Operation.ListObjectsV1(bucket);
        }
        case "POST" -> {
          if (r.hasQuery("delete")) {
            yield new S3Operation.DeleteObjects(bucket);
          }
          yield new S3Operation.PostObject(bucket);
        }
        default -> throw notAllowed();
      };
    }
    String uploadId = r.query("uploadId").orElse(null);
    return switch (method) {
      case "PUT" -> {
        boolean copy = r.header("x-amz-copy-source").isPresent();
        if (uploadId != null || r.hasQuery("partNumber")) {
          if (uploadId == null) {
            throw new S3Exception(new S3Error.InvalidArgument("partNumber requires uploadId"));
          }
          int part = r.intQuery("partNumber").orElseThrow(
              () -> new S3Exception(new S3Error.InvalidArgument("uploadId requires partNumber")));
          if (part < 1 || part > 10000) {
            throw new S3Exception(new S3Error.InvalidArgument("Part number must be an integer between 1 and 10000, inclusive"));
          }
          yield copy ? new S3Operation.UploadPartCopy(bucket, key, uploadId, part)
              : new S3Operation.UploadPart(bucket, key, uploadId, part);
        }
        yield copy ? new S3Operation.CopyObject(bucket, key) : new S3Operation.PutObject(bucket, key);
      }
      case "GET" -> {
        if (uploadId != null) {
          yield new S3Operation.ListParts(bucket, key, uploadId);
        }
        if (r.hasQuery("attributes")) {
          yield new S3Operation.GetObjectAttributes(bucket, key);
        }
        yield new S3Operation.GetObject(bucket, key);
      }
      case "HEAD" -> new S3Operation.HeadObject(bucket, key);
      case "DELETE" -> uploadId != null ? new S3Operation.AbortMultipartUpload(bucket, key, uploadId)
          : new S3Operation.DeleteObject(bucket, key);
      case "POST" -> {
        if (r.hasQuery("uploads")) {
          yield new S3Operation.CreateMultipartUpload(bucket, key);
        }
        if (uploadId != null) {
          yield new S3Operation.CompleteMultipartUpload(bucket, key, uploadId);
        }
        throw notAllowed();
      }
      default -> throw notAllowed();
    };
  }

  private static S3Exception notAllowed() {
    return new S3Exception(new S3Error.MethodNotAllowed(null));
  }
}
