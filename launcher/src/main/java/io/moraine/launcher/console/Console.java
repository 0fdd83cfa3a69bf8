package io.moraine.launcher.console;

import static io.moraine.launcher.console.Html.esc;
import static io.moraine.launcher.console.Html.url;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.moraine.gateway.auth.Identity;
import io.moraine.gateway.auth.IdentityStore;
import io.moraine.launcher.admin.ClusterQuery;
import io.moraine.launcher.admin.Line;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKeyMetadata;
import software.amazon.awssdk.services.iam.model.StatusType;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.ObjectVersion;
import software.amazon.awssdk.services.s3.model.DeleteMarkerEntry;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.s3.presigner.model.PresignedPutObjectRequest;

/**
 * The web console (docs/monitoring.md, "Web console"), mounted at {@code /console/} on the
 * gateway process's admin port. Server-rendered HTML plus one small script for upload progress;
 * nothing is fetched from outside the cluster.
 *
 * <p>Login takes an access key and its secret, checked against the metadata tier with the
 * resolution the gateway uses ({@link IdentityStore}); the session lives in memory
 * ({@link Sessions}). Everything about buckets, objects, users and keys is done as an S3 / IAM
 * client of the gateway with the caller's keys ({@link GatewayClients}), so the gateway's access
 * control applies unchanged: what a caller cannot do with S3 they cannot do here. The cluster
 * map ({@link ClusterQuery}, the lines of {@code admin status}) is shown to the cluster's root
 * account only. Uploads stream through {@code PUT /console/upload} to a presigned PUT of the
 * gateway (same origin for the browser, so no CORS; never buffered whole), downloads and links
 * are presigned GETs the browser fetches from the gateway itself. POSTs carry the session's
 * CSRF token. Fault model: a gateway or metadata error is shown on the page with its S3 code and
 * status; a bad form is a 400 page; nothing here changes state outside what S3 and IAM do.
 */
public final class Console implements HttpHandler, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Console.class);
  static final Duration SESSION_LIFETIME = Duration.ofHours(8);
  private static final int MAX_FORM_BYTES = 64 * 1024;
  private static final Duration LINK_LIFETIME = Duration.ofHours(1);
  /** The sub-resources the settings page shows as stored (XML, or JSON for a policy). */
  static final List<String> SETTINGS = List.of("policy", "cors", "lifecycle", "tagging", "website", "ownershipControls",
      "publicAccessBlock", "acl");

  private final ClusterQuery cluster;
  private final IdentityStore identities;
  private final GatewayClients gateway;
  private final String rootAccessKey;
  private final Sessions sessions;
  private final AutoCloseable resources;

  /**
   * @param resources closed with the console (its ZooKeeper connection and metadata client)
   */
  public Console(ClusterQuery cluster, IdentityStore identities, URI gatewayEndpoint, String region,
      String rootAccessKey, InstantSource clock, RandomGenerator random, AutoCloseable resources) {
    this.cluster = cluster;
    this.identities = identities;
    this.gateway = new GatewayClients(gatewayEndpoint, region);
    this.rootAccessKey = rootAccessKey;
    this.sessions = new Sessions(clock, random, SESSION_LIFETIME);
    this.resources = resources;
  }

  /**
   * The console of a gateway process: its own ZooKeeper connection and metadata client (as
   * {@code admin} makes them), the gateway at {@code gatewayEndpoint} (plain HTTP), the cluster's
   * root access key (whose account sees the cluster map), the real clock and a SecureRandom.
   */
  public static Console open(String zkConnect, URI gatewayEndpoint, String region, String rootAccessKey)
      throws Exception {
    return open(zkConnect, gatewayEndpoint, region, rootAccessKey, null);
  }

  /** As above, talking mutual TLS to ZooKeeper and the metadata tier when {@code internalTlsOrNull} is given. */
  public static Console open(String zkConnect, URI gatewayEndpoint, String region, String rootAccessKey,
      io.moraine.tls.TlsFiles internalTlsOrNull) throws Exception {
    org.apache.curator.framework.CuratorFramework zk = io.moraine.launcher.role.Zk.connectBlocking(zkConnect,
        io.moraine.launcher.role.Zk.SESSION_TIMEOUT_MILLIS, internalTlsOrNull);
    io.moraine.metadata.client.RaftMetadataClient meta;
    try {
      meta = io.moraine.launcher.role.MetaDirectory.connectClient(zk, io.moraine.launcher.role.MetaDirectory.read(zk),
          io.moraine.launcher.config.InternalTls.raft(internalTlsOrNull));
    } catch (Exception e) {
      zk.close();
      throw e;
    }
    return new Console(new ClusterQuery(zk, meta, internalTlsOrNull), new io.moraine.gateway.auth.MetadataIdentities(meta,
        InstantSource.system()), gatewayEndpoint, region, rootAccessKey, InstantSource.system(),
        new java.security.SecureRandom(), () -> io.moraine.launcher.role.Roles.closeAll(meta, zk::close));
  }

  /** A 4xx answer with a message for the page. */
  private static final class BadRequest extends RuntimeException {
    final int status;

    BadRequest(int status, String message) {
      super(message);
      this.status = status;
    }
  }

  /** One request: its session (when logged in), query and form fields. */
  private record Call(HttpExchange exchange, Sessions.Session session, Map<String, String> query,
      Map<String, String> form) {
    String param(String name) {
      String v = form.getOrDefault(name, query.get(name));
      if (v == null || v.isEmpty()) {
        throw new BadRequest(400, "missing parameter " + name);
      }
      return v;
    }

    String optional(String name) {
      String v = form.getOrDefault(name, query.get(name));
      return v == null || v.isEmpty() ? null : v;
    }
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try {
      route(exchange);
    } catch (BadRequest e) {
      send(exchange, e.status, page("Request refused", null, "<p class=error id=error>" + esc(e.getMessage()) + "</p>"));
    } catch (AwsServiceException e) {
      String code = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode();
      String message = e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage();
      send(exchange, e.statusCode() > 0 ? e.statusCode() : 502, page("The gateway refused", null,
          "<p class=error id=error><b>" + esc(code) + "</b> " + esc(message) + " (HTTP " + e.statusCode() + ")</p>"));
    } catch (SdkClientException e) {
      send(exchange, 502, page("Gateway unreachable", null, "<p class=error id=error>" + esc(e.getMessage()) + "</p>"));
    } catch (Exception e) {
      LOG.warn("console {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI().getPath(), e);
      send(exchange, 500, page("Console error", null, "<p class=error id=error>" + esc(e.toString()) + "</p>"));
    } finally {
      exchange.close();
    }
  }

  private void route(HttpExchange ex) throws Exception {
    String path = ex.getRequestURI().getPath();
    String method = ex.getRequestMethod();
    if (path.startsWith("/console/static/")) {
      staticFile(ex, path.substring("/console/static/".length()));
      return;
    }
    Map<String, String> query = parse(ex.getRequestURI().getRawQuery());
    Optional<Sessions.Session> session = sessions.find(ex.getRequestHeaders().getFirst("Cookie"));
    if (path.equals("/console/login")) {
      if (method.equals("POST")) {
        login(ex, parse(readForm(ex)));
      } else {
        send(ex, 200, loginPage(null));
      }
      return;
    }
    if (session.isEmpty()) {
      if (method.equals("GET")) {
        redirect(ex, "/console/login");
      } else {
        throw new BadRequest(403, "not logged in");
      }
      return;
    }
    Sessions.Session s = session.get();
    boolean form = method.equals("POST");
    Call call = new Call(ex, s, query, form ? parse(readForm(ex)) : Map.of());
    if (!method.equals("GET")) {
      String token = form ? call.form().get("csrf") : ex.getRequestHeaders().getFirst("X-Csrf-Token");
      if (!s.csrfMatches(token)) {
        throw new BadRequest(403, "missing or wrong CSRF token; reload the page");
      }
    }
    switch (method + " " + path) {
      case "GET /console", "GET /console/" -> redirect(ex, s.operator() ? "/console/cluster" : "/console/buckets");
      case "GET /console/cluster" -> send(ex, 200, clusterPage(s));
      case "GET /console/buckets" -> send(ex, 200, bucketsPage(s));
      case "GET /console/browse" -> send(ex, 200, browsePage(call));
      case "GET /console/versions" -> send(ex, 200, versionsPage(call));
      case "GET /console/link" -> send(ex, 200, linkPage(call));
      case "GET /console/download" -> redirect(ex, presignGet(s, call.param("bucket"), call.param("key"),
          call.optional("versionId"), true));
      case "GET /console/settings" -> send(ex, 200, settingsPage(call));
      case "GET /console/users" -> send(ex, 200, usersPage(s));
      case "PUT /console/upload" -> upload(call);
      case "POST /console/logout" -> {
        sessions.remove(s);
        ex.getResponseHeaders().add("Set-Cookie", Sessions.expiredCookie());
        redirect(ex, "/console/login");
      }
      case "POST /console/delete" -> delete(call);
      case "POST /console/versioning" -> versioning(call);
      case "POST /console/bucket-create" -> {
        String bucket = call.param("bucket");
        try (S3Client s3 = gateway.s3(s)) {
          s3.createBucket(b -> b.bucket(bucket));
        }
        redirect(ex, "/console/buckets");
      }
      case "POST /console/key-create" -> send(ex, 200, keyCreated(call));
      case "POST /console/key-deactivate" -> {
        String user = call.optional("user");
        String key = call.param("key");
        try (IamClient iam = gateway.iam(s)) {
          iam.updateAccessKey(b -> b.userName(user).accessKeyId(key).status(StatusType.INACTIVE));
        }
        redirect(ex, "/console/users");
      }
      default -> throw new BadRequest(404, "no console page " + method + " " + path);
    }
  }

  // ---- login ----------------------------------------------------------------------------------

  private void login(HttpExchange ex, Map<String, String> form) throws IOException {
    String ak = form.getOrDefault("access_key", "").trim();
    String sk = form.getOrDefault("secret_key", "");
    Optional<Identity> id = ak.isEmpty() ? Optional.empty() : identities.resolve(ak, null);
    // reply().getActive() too: Identity.of builds an account root's identity as active whatever its key's status.
    boolean ok = id.isPresent() && id.get().active() && id.get().reply().getActive() && id.get().session().isEmpty()
        && MessageDigest.isEqual(id.get().secretKey().getBytes(StandardCharsets.UTF_8), sk.getBytes(StandardCharsets.UTF_8));
    if (!ok) {
      // One answer for an unknown key, a wrong secret and an inactive key: no oracle for which it was.
      send(ex, 403, loginPage("Login refused: wrong access key or secret key, or the key is inactive."));
      return;
    }
    Identity who = id.get();
    Sessions.Session s = sessions.create(ak, sk, who.userName() != null ? who.userName() + " @ " + who.accountName()
        : who.accountName(), who.root() && isClusterAccount(who));
    ex.getResponseHeaders().add("Set-Cookie", sessions.cookie(s));
    redirect(ex, s.operator() ? "/console/cluster" : "/console/buckets");
  }

  /** Whether the identity belongs to the account of the cluster's root keys (the operator's). */
  private boolean isClusterAccount(Identity who) {
    return identities.resolve(rootAccessKey, null).map(r -> r.accountId().equals(who.accountId())).orElse(false);
  }

  private static String loginPage(String error) {
    return page("Log in", null, (error == null ? "" : "<p class=error id=error>" + esc(error) + "</p>")
        + "<form method=post action=\"/console/login\" id=login><label>Access key <input name=access_key id=access_key "
        + "autocomplete=username></label><label>Secret key <input name=secret_key id=secret_key type=password "
        + "autocomplete=current-password></label><button id=login-submit>Log in</button></form>");
  }

  // ---- cluster ----------------------------------------------------------------------------------

  private String clusterPage(Sessions.Session s) throws Exception {
    if (!s.operator()) {
      return page("Cluster", s, "<p id=not-operator>The cluster map is shown to the cluster's root account only.</p>");
    }
    List<Line> lines = cluster.status();
    StringBuilder b = new StringBuilder();
    Map<String, List<Line.Node>> byAz = new TreeMap<>();
    List<Line.Group> groups = new ArrayList<>();
    List<Line> progress = new ArrayList<>();
    for (Line l : lines) {
      switch (l) {
        case Line.Node n -> byAz.computeIfAbsent(n.az(), k -> new ArrayList<>()).add(n);
        case Line.Group g -> groups.add(g);
        case Line.Redundancy r -> b.append("<p id=redundancy class=\"redundancy ")
            .append(r.missingShards() == 0 ? "full" : "degraded").append("\">").append(esc(r.text())).append("</p>");
        default -> progress.add(l);
      }
    }
    b.append("<h2>Storage nodes by AZ</h2><div class=azs>");
    byAz.forEach((az, nodes) -> {
      b.append("<section class=az id=\"az-").append(esc(az)).append("\"><h3>").append(esc(az))
          .append("</h3><table><tr><th>node<th>state<th>used<th>capacity");
      for (Line.Node n : nodes) {
        int pct = n.totalBytes() <= 0 ? 0 : (int) Math.min(100, n.usedBytes() * 100 / n.totalBytes());
        b.append("<tr id=\"node-").append(esc(n.node())).append("\"><td>").append(esc(n.node()))
            .append("<td class=\"state ").append(esc(n.state())).append("\">").append(esc(n.state()))
            .append("<td>").append(Html.bytes(n.usedBytes())).append(" <meter min=0 max=100 value=").append(pct)
            .append("></meter><td>").append(Html.bytes(n.totalBytes()));
      }
      b.append("</table></section>");
    });
    b.append("</div><h2>Metadata groups</h2><table id=groups><tr><th>group<th>leader<th>peers");
    for (Line.Group g : groups) {
      b.append("<tr><td>").append(esc(g.group())).append("<td>").append(esc(g.leader())).append("<td>")
          .append(esc(String.join(", ", g.peers())));
    }
    b.append("</table><h2>Repair, scrub and garbage collection</h2><table id=progress>");
    for (Line l : progress) {
      b.append("<tr><th>").append(esc(l.type())).append("<td>");
      for (Line.Field f : l.fields()) {
        b.append("<span class=field>").append(esc(f.name())).append(" <b>").append(esc(Line.textOf(f.value())))
            .append("</b></span> ");
      }
    }
    b.append("</table><p class=note>Refreshes every 5 s; the same figures as <code>bin/moraine admin status</code>.</p>");
    return page("Cluster", s, b.toString(), true);
  }

  // ---- buckets ----------------------------------------------------------------------------------

  private String bucketsPage(Sessions.Session s) {
    StringBuilder b = new StringBuilder("<table id=buckets><tr><th>bucket<th>created<th>objects<th>bytes<th>noncurrent<th>");
    try (S3Client s3 = gateway.s3(s)) {
      for (var bucket : s3.listBuckets().buckets()) {
        String n = bucket.name();
        String objects = "-";
        String bytes = "-";
        String noncurrent = "-";
        try {
          ClusterQuery.BucketUsage u = cluster.usage(n);
          objects = Long.toString(u.objects());
          bytes = Html.bytes(u.bytes());
          noncurrent = u.noncurrentVersions() + " (" + Html.bytes(u.noncurrentBytes()) + ")";
        } catch (RuntimeException gone) {
          // deleted since the listing, or the metadata tier is busy: the row stays, without figures
        }
        b.append("<tr id=\"bucket-").append(esc(n)).append("\"><td><a href=\"/console/browse?bucket=").append(esc(url(n)))
            .append("\">").append(esc(n)).append("</a><td>").append(esc(bucket.creationDate())).append("<td>")
            .append(objects).append("<td>").append(bytes).append("<td>").append(esc(noncurrent))
            .append("<td><a href=\"/console/settings?bucket=").append(esc(url(n))).append("\">settings</a>");
      }
    }
    b.append("</table><h2>Create a bucket</h2><form method=post action=\"/console/bucket-create\">").append(Html.csrf(s))
        .append("<input name=bucket id=new-bucket placeholder=name> <button>Create</button></form>");
    return page("Buckets", s, b.toString());
  }

  // ---- object browser ---------------------------------------------------------------------------

  private String browsePage(Call c) {
    String bucket = c.param("bucket");
    String prefix = Optional.ofNullable(c.optional("prefix")).orElse("");
    String token = c.optional("token");
    Sessions.Session s = c.session();
    ListObjectsV2Response list;
    try (S3Client s3 = gateway.s3(s)) {
      list = s3.listObjectsV2(r -> r.bucket(bucket).prefix(prefix).delimiter("/").maxKeys(500).continuationToken(token));
    }
    String bq = "bucket=" + url(bucket);
    StringBuilder b = new StringBuilder("<p class=crumbs id=crumbs><a href=\"/console/browse?").append(esc(bq)).append("\">")
        .append(esc(bucket)).append("</a>");
    int from = 0;
    for (int i = prefix.indexOf('/'); i >= 0; i = prefix.indexOf('/', i + 1)) {
      b.append(" / <a href=\"/console/browse?").append(esc(bq + "&prefix=" + url(prefix.substring(0, i + 1)))).append("\">")
          .append(esc(prefix.substring(from, i))).append("</a>");
      from = i + 1;
    }
    b.append(" · <a href=\"/console/settings?").append(esc(bq)).append("\">bucket settings</a></p>");
    b.append("<form id=upload data-bucket=\"").append(esc(bucket)).append("\" data-csrf=\"").append(esc(s.csrf()))
        .append("\"><label>Key prefix <input id=upload-prefix value=\"").append(esc(prefix))
        .append("\"></label> <input type=file id=upload-file> <button id=upload-submit>Upload</button> ")
        .append("<progress id=upload-progress max=100 value=0></progress> <span id=upload-status></span></form>");
    b.append("<table id=objects><tr><th>name<th>size<th>last modified<th colspan=4>");
    for (CommonPrefix p : list.commonPrefixes()) {
      b.append("<tr class=prefix><td><a class=prefix href=\"/console/browse?").append(esc(bq + "&prefix=" + url(p.prefix())))
          .append("\">").append(esc(p.prefix().substring(prefix.length()))).append("</a><td><td><td colspan=4>");
    }
    for (S3Object o : list.contents()) {
      String kq = bq + "&key=" + url(o.key());
      b.append("<tr class=object data-key=\"").append(esc(o.key())).append("\"><td>").append(esc(o.key().substring(prefix.length())))
          .append("<td>").append(Html.bytes(o.size())).append("<td>").append(esc(o.lastModified()))
          .append("<td><a class=download href=\"/console/download?").append(esc(kq)).append("\">download</a>")
          .append("<td><a class=link href=\"/console/link?").append(esc(kq)).append("\">link</a>")
          .append("<td><a class=versions href=\"/console/versions?").append(esc(kq)).append("\">versions</a>")
          .append("<td>").append(deleteForm(s, bucket, o.key(), null, "delete"));
    }
    b.append("</table>");
    if (list.commonPrefixes().isEmpty() && list.contents().isEmpty()) {
      b.append("<p id=empty>Nothing under this prefix.</p>");
    }
    if (Boolean.TRUE.equals(list.isTruncated())) {
      b.append("<p><a id=next href=\"/console/browse?").append(esc(bq + "&prefix=" + url(prefix) + "&token="
          + url(list.nextContinuationToken()))).append("\">next page</a></p>");
    }
    return page("Bucket " + bucket, s, b.toString());
  }

  private static String deleteForm(Sessions.Session s, String bucket, String key, String versionId, String label) {
    return "<form method=post action=\"/console/delete\" class=inline>" + Html.csrf(s) + "<input type=hidden name=bucket value=\""
        + esc(bucket) + "\"><input type=hidden name=key value=\"" + esc(key) + "\">" + (versionId == null ? ""
        : "<input type=hidden name=versionId value=\"" + esc(versionId) + "\">") + "<button class=delete>" + esc(label)
        + "</button></form>";
  }

  private String versionsPage(Call c) {
    String bucket = c.param("bucket");
    String key = c.param("key");
    Sessions.Session s = c.session();
    StringBuilder b = new StringBuilder("<p><a href=\"/console/browse?bucket=").append(esc(url(bucket))).append("&amp;prefix=")
        .append(esc(url(parent(key)))).append("\">back to ").append(esc(bucket + "/" + parent(key))).append("</a></p>")
        .append("<table id=versions><tr><th>version id<th>latest<th>kind<th>size<th>last modified<th colspan=2>");
    try (S3Client s3 = gateway.s3(s)) {
      // One key's versions: the listing under the key as prefix, newest first, keeping only that key.
      for (var page : s3.listObjectVersionsPaginator(r -> r.bucket(bucket).prefix(key))) {
        for (ObjectVersion v : page.versions()) {
          if (v.key().equals(key)) {
            String vq = "bucket=" + url(bucket) + "&key=" + url(key) + "&versionId=" + url(v.versionId());
            b.append("<tr class=version data-version=\"").append(esc(v.versionId())).append("\"><td>").append(esc(v.versionId()))
                .append("<td>").append(Boolean.TRUE.equals(v.isLatest()) ? "latest" : "").append("<td>object<td>")
                .append(Html.bytes(v.size())).append("<td>").append(esc(v.lastModified()))
                .append("<td><a class=download href=\"/console/download?").append(esc(vq)).append("\">download</a> ")
                .append("<a class=link href=\"/console/link?").append(esc(vq)).append("\">link</a><td>")
                .append(deleteForm(s, bucket, key, v.versionId(), "delete version"));
          }
        }
        for (DeleteMarkerEntry m : page.deleteMarkers()) {
          if (m.key().equals(key)) {
            b.append("<tr class=\"version marker\" data-version=\"").append(esc(m.versionId())).append("\"><td>")
                .append(esc(m.versionId())).append("<td>").append(Boolean.TRUE.equals(m.isLatest()) ? "latest" : "")
                .append("<td>delete marker<td><td>").append(esc(m.lastModified())).append("<td><td>")
                .append(deleteForm(s, bucket, key, m.versionId(), "delete marker"));
          }
        }
      }
    }
    b.append("</table>");
    return page("Versions of " + key, s, b.toString());
  }

  private String linkPage(Call c) {
    String bucket = c.param("bucket");
    String key = c.param("key");
    String url = presignGet(c.session(), bucket, key, c.optional("versionId"), false);
    return page("Presigned link", c.session(), "<p>Anyone holding this link can read <b>" + esc(bucket + "/" + key)
        + "</b> for " + LINK_LIFETIME.toMinutes() + " minutes, with the permissions of " + esc(c.session().accessKey())
        + ".</p><p><input id=presigned readonly size=120 value=\"" + esc(url) + "\"></p><p><a id=presigned-open href=\""
        + esc(url) + "\">open</a></p>");
  }

  private String presignGet(Sessions.Session s, String bucket, String key, String versionId, boolean attachment) {
    try (S3Presigner p = gateway.presigner(s)) {
      return p.presignGetObject(r -> r.signatureDuration(LINK_LIFETIME).getObjectRequest(g -> {
        g.bucket(bucket).key(key).versionId(versionId);
        if (attachment) {
          String name = key.substring(key.lastIndexOf('/') + 1).replace("\"", "");
          g.responseContentDisposition("attachment; filename=\"" + name + "\"");
        }
      })).url().toString();
    }
  }

  private void delete(Call c) throws IOException {
    String bucket = c.param("bucket");
    String key = c.param("key");
    String versionId = c.optional("versionId");
    try (S3Client s3 = gateway.s3(c.session())) {
      s3.deleteObject(r -> r.bucket(bucket).key(key).versionId(versionId));
    }
    redirect(c.exchange(), versionId == null ? "/console/browse?bucket=" + url(bucket) + "&prefix=" + url(parent(key))
        : "/console/versions?bucket=" + url(bucket) + "&key=" + url(key));
  }

  private static String parent(String key) {
    return key.substring(0, key.lastIndexOf('/') + 1);
  }

  /**
   * {@code PUT /console/upload?bucket=B&key=K}: the browser's file, streamed as it arrives to a
   * presigned PUT of the gateway signed with the caller's keys (at most a few buffers in memory,
   * whatever the size). Answers the gateway's status, and its error document when it refused.
   */
  private void upload(Call c) throws Exception {
    String bucket = c.param("bucket");
    String key = c.param("key");
    String length = c.exchange().getRequestHeaders().getFirst("Content-Length");
    if (length == null) {
      throw new BadRequest(411, "an upload needs a Content-Length");
    }
    long size;
    try {
      size = Long.parseLong(length.trim());
    } catch (NumberFormatException e) {
      throw new BadRequest(400, "Content-Length is not a number: " + length);
    }
    if (size < 0) {
      throw new BadRequest(400, "Content-Length is negative: " + length);
    }
    String type = Optional.ofNullable(c.exchange().getRequestHeaders().getFirst("Content-Type"))
        .orElse("application/octet-stream");
    PresignedPutObjectRequest put;
    try (S3Presigner p = gateway.presigner(c.session())) {
      put = p.presignPutObject(r -> r.signatureDuration(LINK_LIFETIME)
          .putObjectRequest(o -> o.bucket(bucket).key(key).contentType(type)));
    }
    InputStream body = c.exchange().getRequestBody();
    HttpRequest.Builder req = HttpRequest.newBuilder(put.url().toURI())
        .PUT(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> body), size));
    put.signedHeaders().forEach((name, values) -> {
      if (!name.equalsIgnoreCase("host")) {
        values.forEach(v -> req.header(name, v));
      }
    });
    HttpResponse<String> r = gateway.raw().send(req.build(), HttpResponse.BodyHandlers.ofString());
    String answer = r.statusCode() == 200 ? "uploaded " + key + " (" + size + " bytes) etag "
        + r.headers().firstValue("ETag").orElse("") : r.body();
    c.exchange().getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    sendBytes(c.exchange(), r.statusCode(), answer.getBytes(StandardCharsets.UTF_8));
  }

  // ---- bucket settings --------------------------------------------------------------------------

  private String settingsPage(Call c) throws Exception {
    String bucket = c.param("bucket");
    Sessions.Session s = c.session();
    StringBuilder b = new StringBuilder("<p><a href=\"/console/browse?bucket=").append(esc(url(bucket))).append("\">browse ")
        .append(esc(bucket)).append("</a></p><h2>Versioning</h2>");
    String status;
    try (S3Client s3 = gateway.s3(s)) {
      var v = s3.getBucketVersioning(r -> r.bucket(bucket));
      status = v.status() == null ? "Unversioned" : v.statusAsString();
    }
    b.append("<p>Status: <b id=versioning-status>").append(esc(status)).append("</b></p>")
        .append("<form method=post action=\"/console/versioning\" class=inline>").append(Html.csrf(s))
        .append("<input type=hidden name=bucket value=\"").append(esc(bucket)).append("\">")
        .append("<button name=status value=Enabled id=versioning-enable>Enable</button> ")
        .append("<button name=status value=Suspended id=versioning-suspend>Suspend</button></form>");
    for (String kind : SETTINGS) {
      GatewayClients.Raw r = gateway.subresource(s, bucket, kind);
      b.append("<h2>").append(esc(kind)).append("</h2>");
      if (r.status() == 200) {
        b.append("<pre id=\"setting-").append(esc(kind)).append("\">").append(esc(r.body())).append("</pre>");
      } else {
        String code = GatewayClients.errorCode(r.body()).orElse("HTTP " + r.status());
        b.append("<p class=unset id=\"setting-").append(esc(kind)).append("\">")
            .append(r.status() == 404 ? "not set" : r.status() == 501 ? "not available" : "not readable")
            .append(" (").append(esc(code)).append(")</p>");
      }
    }
    b.append("<p class=note>Shown as stored; edit them with any S3 client (only versioning is editable here).</p>");
    return page("Settings of " + bucket, s, b.toString());
  }

  private void versioning(Call c) throws IOException {
    String bucket = c.param("bucket");
    String status = c.param("status");
    BucketVersioningStatus v = switch (status) {
      case "Enabled" -> BucketVersioningStatus.ENABLED;
      case "Suspended" -> BucketVersioningStatus.SUSPENDED;
      default -> throw new BadRequest(400, "versioning status must be Enabled or Suspended, not " + status);
    };
    try (S3Client s3 = gateway.s3(c.session())) {
      s3.putBucketVersioning(r -> r.bucket(bucket).versioningConfiguration(x -> x.status(v)));
    }
    redirect(c.exchange(), "/console/settings?bucket=" + url(bucket));
  }

  // ---- users and keys ---------------------------------------------------------------------------

  private String usersPage(Sessions.Session s) {
    StringBuilder b = new StringBuilder("<h2>Your keys</h2>");
    try (IamClient iam = gateway.iam(s)) {
      b.append(keyTable(s, null, iam.listAccessKeys(r -> { }).accessKeyMetadata()));
      b.append("<h2>IAM users</h2>");
      try {
        for (var page : iam.listUsersPaginator(r -> { })) {
          for (var u : page.users()) {
            b.append("<h3 class=user>").append(esc(u.userName())).append(" <small>").append(esc(u.arn()))
                .append("</small></h3>").append(keyTable(s, u.userName(),
                    iam.listAccessKeys(r -> r.userName(u.userName())).accessKeyMetadata()));
          }
        }
      } catch (AwsServiceException e) {
        b.append("<p class=unset>Users not listed: ").append(esc(e.awsErrorDetails().errorCode())).append("</p>");
      }
    }
    return page("Users and keys", s, b.toString());
  }

  private static String keyTable(Sessions.Session s, String user, List<AccessKeyMetadata> keys) {
    StringBuilder b = new StringBuilder("<table class=keys><tr><th>access key<th>status<th>created<th>");
    String userField = user == null ? "" : "<input type=hidden name=user value=\"" + esc(user) + "\">";
    for (AccessKeyMetadata k : keys) {
      b.append("<tr class=key><td>").append(esc(k.accessKeyId())).append("<td>").append(esc(k.statusAsString()))
          .append("<td>").append(esc(k.createDate())).append("<td>");
      if (k.status() == StatusType.ACTIVE && !k.accessKeyId().equals(s.accessKey())) {
        b.append("<form method=post action=\"/console/key-deactivate\" class=inline>").append(Html.csrf(s)).append(userField)
            .append("<input type=hidden name=key value=\"").append(esc(k.accessKeyId())).append("\"><button>deactivate</button></form>");
      } else if (k.accessKeyId().equals(s.accessKey())) {
        b.append("(this login)");
      }
    }
    b.append("</table><form method=post action=\"/console/key-create\">").append(Html.csrf(s)).append(userField)
        .append("<button class=key-create>create access key</button></form>");
    return b.toString();
  }

  private String keyCreated(Call c) {
    String user = c.optional("user");
    try (IamClient iam = gateway.iam(c.session())) {
      var k = iam.createAccessKey(r -> r.userName(user)).accessKey();
      return page("Access key created", c.session(), "<p>Shown once; keep the secret now.</p><p>access_key <code id=new-access-key>"
          + esc(k.accessKeyId()) + "</code></p><p>secret_key <code id=new-secret-key>" + esc(k.secretAccessKey())
          + "</code></p><p><a href=\"/console/users\">back</a></p>");
    }
  }

  // ---- plumbing ---------------------------------------------------------------------------------

  private static String page(String title, Sessions.Session s, String body) {
    return Html.page(title, s, body, false);
  }

  private static String page(String title, Sessions.Session s, String body, boolean refresh) {
    return Html.page(title, s, body, refresh);
  }

  private static void staticFile(HttpExchange ex, String name) throws IOException {
    String type = switch (name) {
      case "console.js" -> "text/javascript; charset=utf-8";
      case "console.css" -> "text/css; charset=utf-8";
      default -> null;
    };
    if (type == null) {
      throw new BadRequest(404, "no such file");
    }
    try (InputStream in = Console.class.getResourceAsStream(name)) {
      ex.getResponseHeaders().set("Content-Type", type);
      sendBytes(ex, 200, in.readAllBytes());
    }
  }

  private static String readForm(HttpExchange ex) throws IOException {
    byte[] b = ex.getRequestBody().readNBytes(MAX_FORM_BYTES + 1);
    if (b.length > MAX_FORM_BYTES) {
      throw new BadRequest(413, "form larger than " + MAX_FORM_BYTES + " bytes");
    }
    return new String(b, StandardCharsets.UTF_8);
  }

  static Map<String, String> parse(String raw) {
    Map<String, String> m = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return m;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      String v = eq < 0 ? "" : pair.substring(eq + 1);
      try {
        m.putIfAbsent(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        throw new BadRequest(400, "malformed form or query encoding");
      }
    }
    return m;
  }

  private static void redirect(HttpExchange ex, String location) throws IOException {
    ex.getResponseHeaders().set("Location", location);
    ex.sendResponseHeaders(303, -1);
  }

  private static void send(HttpExchange ex, int status, String html) throws IOException {
    ex.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    ex.getResponseHeaders().set("X-Frame-Options", "DENY");
    ex.getResponseHeaders().set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:");
    sendBytes(ex, status, html.getBytes(StandardCharsets.UTF_8));
  }

  private static void sendBytes(HttpExchange ex, int status, byte[] body) throws IOException {
    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() throws Exception {
    gateway.close();
    resources.close();
  }
}
