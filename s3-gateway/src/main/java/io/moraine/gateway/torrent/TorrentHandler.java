package io.moraine.gateway.torrent;

import io.moraine.gateway.access.Access;
import io.moraine.gateway.access.BucketView;
import io.moraine.gateway.access.S3Action;
import io.moraine.gateway.data.ObjectData;
import io.moraine.gateway.data.ObjectPipe;
import io.moraine.gateway.error.S3Error;
import io.moraine.gateway.error.S3Exception;
import io.moraine.gateway.http.S3Request;
import io.moraine.gateway.http.S3Response;
import io.moraine.gateway.http.Subresource;
import io.moraine.gateway.http.SubresourceHandler;
import io.moraine.gateway.version.VersionIds;
import io.moraine.metadata.api.MetadataClient;
import io.moraine.metadata.api.ObjectVersion;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;

/**
 * GetObjectTorrent ({@code GET ?torrent}, S3's retired BitTorrent support): a bencoded .torrent
 * (BEP 3: name, length, piece length, SHA-1 piece hashes) whose web seed (BEP 19
 * {@code url-list}) is the object's own URL on this gateway, so an ordinary BitTorrent client
 * downloads the object from the gateway. As S3 did: only for objects anyone may read, at most
 * 5 GB. Pieces are hashed by reading the object once per request.
 */
public final class TorrentHandler implements SubresourceHandler {
  static final long MAX_TORRENT_BYTES = 5L * 1000 * 1000 * 1000;
  /** 256 KiB pieces, doubled until a torrent has at most this many. */
  private static final long MIN_PIECE = 256 * 1024;
  private static final int MAX_PIECES = 4096;

  private final MetadataClient metadata;
  private final Access access;
  private final ObjectData data;
  private final ExecutorService threads;

  public TorrentHandler(MetadataClient metadata, Access access, ObjectData data, ExecutorService threads) {
    this.metadata = metadata;
    this.access = access;
    this.data = data;
    this.threads = threads;
  }

  @Override
  public Subresource subresource() {
    return Subresource.TORRENT;
  }

  @Override
  public void onObject(String method, S3Request r, S3Response out, String bucket, String key) throws IOException {
    if (!method.equals("GET")) {
      throw new S3Exception(new S3Error.MethodNotAllowed(null));
    }
    BucketView b = access.resolve(r, bucket);
    Optional<String> versionId = VersionIds.fromQuery(r);
    ObjectVersion v = metadata.getObjectVersion(bucket, key, versionId.orElse(null))
        .orElseThrow(() -> access.missing(r, b, key,
            versionId.isPresent() ? new S3Error.NoSuchVersion(null) : new S3Error.NoSuchKey(null)));
    access.object(r, versionId.isPresent() ? S3Action.GetObjectVersionTorrent : S3Action.GetObjectTorrent, b, key, v);
    if (v.deleteMarker()) {
      throw new S3Exception(new S3Error.NoSuchKey(null));
    }
    // Only what anyone may read is seeded: the web seed serves it to anonymous peers.
    if (!access.allowed(r.anonymousFor(key), S3Action.GetObject, b, key, v)) {
      throw new S3Exception(new S3Error.AccessDenied("Torrents are served only for publicly readable objects"));
    }
    if (v.encryption() != null) {
      throw new S3Exception(new S3Error.InvalidRequest("Torrents are not available for encrypted objects"));
    }
    io.moraine.gateway.restore.Archive.checkReadable(v);
    if (v.size() > MAX_TORRENT_BYTES) {
      throw new S3Exception(new S3Error.InvalidRequest("Torrents are not available for objects larger than 5 GB"));
    }
    long piece = MIN_PIECE;
    while (v.size() / piece >= MAX_PIECES) {
      piece *= 2;
    }
    if (v.encrypted() && v.encryption().getMode() == io.moraine.gateway.crypto.Sse.MODE_SSE_KMS) {
      data.sse().open(v.encryption(), java.util.Optional.empty(), r); // kms:Decrypt as the caller, before the pipe reads
    }
    byte[] pieces = hashPieces(bucket, v, piece);
    String name = key.substring(key.lastIndexOf('/') + 1);
    TreeMap<String, Object> info = new TreeMap<>();
    info.put("length", v.size());
    info.put("name", name.isEmpty() ? key : name);
    info.put("piece length", piece);
    info.put("pieces", pieces);
    TreeMap<String, Object> torrent = new TreeMap<>();
    torrent.put("created by", "Moraine");
    torrent.put("info", info);
    String scheme = r.secure() ? "https" : "http";
    torrent.put("url-list", List.of(scheme + "://" + r.header("host").orElse("localhost") + "/"
        + io.moraine.gateway.auth.AwsUris.encode(bucket, true) + "/" + io.moraine.gateway.auth.AwsUris.encode(key, false)));
    out.header("Content-Disposition", "attachment; filename=\"" + (name.isEmpty() ? key : name).replace("\"", "") + ".torrent\"");
    out.body(200, "application/x-bittorrent", Bencode.encode(torrent));
  }

  private byte[] hashPieces(String bucket, ObjectVersion v, long piece) throws IOException {
    MessageDigest sha1;
    try {
      sha1 = MessageDigest.getInstance("SHA-1");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    byte[] buf = new byte[64 * 1024];
    long inPiece = 0;
    try (InputStream in = new ObjectPipe(data, bucket, v, threads)) {
      int n;
      while ((n = in.read(buf)) > 0) {
        int off = 0;
        while (off < n) {
          int take = (int) Math.min(n - off, piece - inPiece);
          sha1.update(buf, off, take);
          off += take;
          inPiece += take;
          if (inPiece == piece) {
            out.writeBytes(sha1.digest());
            inPiece = 0;
          }
        }
      }
    }
    if (inPiece > 0 || v.size() == 0) {
      out.writeBytes(sha1.digest());
    }
    return out.toByteArray();
  }
}
