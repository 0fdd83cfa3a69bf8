package io.moraine.gateway.auth;

import io.moraine.gateway.error.S3Error;
import io.moraine.gateway.error.S3Exception;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Decodes an aws-chunked body as a stream: {@code hex-size[;chunk-signature=sig]CRLF data CRLF}
 * … a zero-size chunk, then optional trailer lines ({@code name:value}, and with signed trailers
 * {@code x-amz-trailer-signature:sig}) and an empty line.
 *
 * <p>Fault model: the client may be hostile or broken. Each chunk's signature (chained from the
 * seed signature) is checked when the chunk ends, so at most one chunk of unverified bytes has
 * been passed on when a bad signature is found; callers commit nothing before EOF. Failures are
 * thrown as {@link S3Exception} (SignatureDoesNotMatch, IncompleteBody, InvalidRequest).
 */
public final class AwsChunkedInputStream extends InputStream {

  private static final int MAX_LINE_BYTES = 4096;
  private static final int MAX_TRAILER_LINES = 16;

  private final InputStream in;
  private final PayloadMode.ChunkSigning signing;
  private final boolean trailerExpected;
  private final MessageDigest chunkDigest;
  private final Map<String, String> trailers = new LinkedHashMap<>();
  private String previousSignature;
  private String chunkSignature;
  private long remaining;
  private boolean inChunk;
  private boolean eof;

  /**
   * @param signing null for unsigned chunks (STREAMING-UNSIGNED-PAYLOAD-TRAILER)
   * @param trailerExpected whether trailer lines follow the last chunk
   */
  public AwsChunkedInputStream(InputStream in, PayloadMode.ChunkSigning signing, boolean trailerExpected) {
    this.in = new BufferedInputStream(in, 64 * 1024);
    this.signing = signing;
    this.trailerExpected = trailerExpected;
    this.chunkDigest = signing == null ? null : SigV4.sha256();
    this.previousSignature = signing == null ? null : signing.seedSignature();
  }

  /** The trailer headers (lower-case names) once the stream reached EOF. */
  public Map<String, String> trailers() {
    if (!eof) {
      throw new IllegalStateException("trailers read before the end of the aws-chunked body");
    }
    return trailers;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    while (!eof && !inChunk) {
      startChunk();
    }
    if (eof) {
      return -1;
    }
    int n = in.read(b, off, (int) Math.min(len, remaining));
    if (n < 0) {
      throw new S3Exception(new S3Error.IncompleteBody("The aws-chunked body ended inside a chunk"));
    }
    if (chunkDigest != null) {
      chunkDigest.update(b, off, n);
    }
    remaining -= n;
    if (remaining == 0) {
      endChunk();
    }
    return n;
  }

  private void startChunk() throws IOException {
    String header = readLine();
    if (header == null) {
      throw new S3Exception(new S3Error.IncompleteBody("The aws-chunked body ended before its final chunk"));
    }
    String sizeText = header;
    chunkSignature = null;
    int semi = header.indexOf(';');
    if (semi >= 0) {
      sizeText = header.substring(0, semi);
      for (String ext : header.substring(semi + 1).split(";")) {
        int eq = ext.indexOf('=');
        if (eq > 0 && ext.substring(0, eq).strip().equals("chunk-signature")) {
          chunkSignature = ext.substring(eq + 1).strip();
        }
      }
    }
    try {
      remaining = Long.parseLong(sizeText.strip(), 16);
    } catch (NumberFormatException e) {
      throw new S3Exception(new S3Error.InvalidRequest("Malformed aws-chunked chunk header"));
    }
    if (remaining < 0) {
      throw new S3Exception(new S3Error.InvalidRequest("Malformed aws-chunked chunk header"));
    }
    if (signing != null && chunkSignature == null) {
      throw new S3Exception(new S3Error.SignatureDoesNotMatch("A chunk has no chunk-signature"));
    }
    if (remaining == 0) {
      verifyChunkSignature();
      readTrailers();
      eof = true;
    } else {
      inChunk = true;
    }
  }

  private void endChunk() throws IOException {
    inChunk = false;
    String crlf = readLine();
    if (crlf == null || !crlf.isEmpty()) {
      throw new S3Exception(new S3Error.IncompleteBody("A chunk is longer or shorter than its declared size"));
    }
    verifyChunkSignature();
  }

  private void verifyChunkSignature() {
    if (signing == null) {
      return;
    }
    String dataHash = HexFormat.of().formatHex(chunkDigest.digest());
    String expected = SigV4.sign(signing.signingKey(),
        SigV4.chunkStringToSign(signing.amzDate(), signing.scope(), previousSignature, dataHash));
    if (!SigV4.signaturesEqual(expected, chunkSignature)) {
      throw new S3Exception(new S3Error.SignatureDoesNotMatch(null));
    }
    previousSignature = chunkSignature;
  }

  private void readTrailers() throws IOException {
    List<String> lines = new ArrayList<>();
    String trailerSignature = null;
    while (true) {
      String line = readLine();
      if (line == null || line.isEmpty()) {
        break;
      }
      if (lines.size() > MAX_TRAILER_LINES) {
        throw new S3Exception(new S3Error.InvalidRequest("Too many trailer headers"));
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw new S3Exception(new S3Error.InvalidRequest("Malformed trailer header"));
      }
      String name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
      String value = line.substring(colon + 1).strip();
      if (name.equals("x-amz-trailer-signature")) {
        trailerSignature = value;
      } else {
        trailers.put(name, value);
        lines.add(name + ":" + value);
      }
    }
    if (!trailerExpected && !trailers.isEmpty()) {
      throw new S3Exception(new S3Error.InvalidRequest("Trailer headers were sent but not announced"));
    }
    if (signing != null && trailerExpected) {
      if (trailerSignature == null) {
        throw new S3Exception(new S3Error.SignatureDoesNotMatch("The signed trailer has no x-amz-trailer-signature"));
      }
      // The canonical trailer block ends each header with "\n"; accept "\r\n" too, which some
      // SDK versions hash. Both forms are keyed by the secret, so neither weakens the check.
      if (!trailerSignatureMatches(lines, "\n", trailerSignature) && !trailerSignatureMatches(lines, "\r\n", trailerSignature)) {
        throw new S3Exception(new S3Error.SignatureDoesNotMatch(null));
      }
    }
  }

  private boolean trailerSignatureMatches(List<String> lines, String eol, String signature) {
    StringBuilder canonical = new StringBuilder();
    for (String l : lines) {
      canonical.append(l).append(eol);
    }
    String hash = SigV4.sha256Hex(canonical.toString().getBytes(StandardCharsets.UTF_8));
    String expected = SigV4.sign(signing.signingKey(),
        SigV4.trailerStringToSign(signing.amzDate(), signing.scope(), previousSignature, hash));
    return SigV4.signaturesEqual(expected, signature);
  }

  /** A line without its CRLF (or LF); null at EOF before any byte. */
  private String readLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream(80);
    while (true) {
      int c = in.read();
      if (c < 0) {
        return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
      }
      if (c == '\n') {
        byte[] bytes = line.toByteArray();
        int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, len, StandardCharsets.UTF_8);
      }
      if (line.size() >= MAX_LINE_BYTES) {
        throw new S3Exception(new S3Error.InvalidRequest("aws-chunked line too long"));
      }
      line.write(c);
    }
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
