package io.moraine.gateway.access;

import com.google.protobuf.InvalidProtocolBufferException;
import io.moraine.gateway.access.policy.RequestContext.Caller;
import io.moraine.gateway.error.S3Error;
import io.moraine.gateway.error.S3Exception;
import io.moraine.gateway.xml.S3XmlRequests;
import io.moraine.gateway.xml.XmlWriter;
import io.moraine.proto.config.v1.AccessControlList;
import io.moraine.proto.config.v1.Grant;
import io.moraine.proto.config.v1.GranteeType;
import io.moraine.proto.config.v1.Permission;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import org.w3c.dom.Element;

/**
 * S3 access control lists (S3 User Guide, "Access control list (ACL) overview"): canned ACLs,
 * {@code x-amz-grant-*} headers, the AccessControlPolicy XML, and what a grant permits. Pure:
 * e-mail grantees are resolved by the caller-supplied function, before anything is stored.
 */
public final class Acls {
  private Acls() {}

  public static final String KIND = "acl";
  public static final String ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers";
  public static final String AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";
  public static final String LOG_DELIVERY = "http://acs.amazonaws.com/groups/s3/LogDelivery";
  static final int MAX_GRANTS = 100;
  private static final int FORMAT_VERSION = 1;
  private static final String XSI = "http://www.w3.org/2001/XMLSchema-instance";

  /** An ACL's owner or a canonical-user grantee. */
  public record Owner(String id, String displayName) {}

  /** The canned ACLs S3 knows; objects and buckets accept the same names. */
  public static final List<String> CANNED = List.of("private", "public-read", "public-read-write",
      "authenticated-read", "aws-exec-read", "bucket-owner-read", "bucket-owner-full-control", "log-delivery-write");

  public static byte[] encode(AccessControlList acl) {
    return acl.toBuilder().setFormatVersion(FORMAT_VERSION).build().toByteArray();
  }

  public static AccessControlList decode(byte[] body) {
    try {
      AccessControlList acl = AccessControlList.parseFrom(body);
      if (acl.getFormatVersion() != FORMAT_VERSION) {
        throw new IllegalStateException("ACL format version " + acl.getFormatVersion() + " is not known here");
      }
      return acl;
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("corrupt stored ACL", e);
    }
  }

  /** The ACL every bucket and object has when none was given: the owner has FULL_CONTROL. */
  public static AccessControlList privateAcl(Owner owner) {
    return canned("private", owner, owner);
  }

  /**
   * A canned ACL for a resource owned by {@code owner} in a bucket owned by {@code bucketOwner}
   * (the same for a bucket). InvalidArgument for an unknown name.
   */
  public static AccessControlList canned(String name, Owner owner, Owner bucketOwner) {
    AccessControlList.Builder b = AccessControlList.newBuilder().setFormatVersion(FORMAT_VERSION)
        .setOwnerId(owner.id()).setOwnerDisplayName(nullToEmpty(owner.displayName()));
    b.addGrants(user(owner, Permission.FULL_CONTROL));
    switch (name) {
      case "private", "aws-exec-read" -> { }
      case "public-read" -> b.addGrants(group(ALL_USERS, Permission.READ));
      case "public-read-write" -> b.addGrants(group(ALL_USERS, Permission.READ)).addGrants(group(ALL_USERS, Permission.WRITE));
      case "authenticated-read" -> b.addGrants(group(AUTHENTICATED_USERS, Permission.READ));
      case "bucket-owner-read" -> {
        if (!bucketOwner.id().equals(owner.id())) {
          b.addGrants(user(bucketOwner, Permission.READ));
        }
      }
      case "bucket-owner-full-control" -> {
        if (!bucketOwner.id().equals(owner.id())) {
          b.addGrants(user(bucketOwner, Permission.FULL_CONTROL));
        }
      }
      case "log-delivery-write" -> b.addGrants(group(LOG_DELIVERY, Permission.WRITE))
          .addGrants(group(LOG_DELIVERY, Permission.READ_ACP));
      default -> throw new S3Exception(new S3Error.InvalidArgument(null));
    }
    return b.build();
  }

  /** The grant headers S3 reads, with the permission each confers. */
  private static final List<String[]> GRANT_HEADERS = List.of(
      new String[] {"x-amz-grant-read", "READ"}, new String[] {"x-amz-grant-write", "WRITE"},
      new String[] {"x-amz-grant-read-acp", "READ_ACP"}, new String[] {"x-amz-grant-write-acp", "WRITE_ACP"},
      new String[] {"x-amz-grant-full-control", "FULL_CONTROL"});

  /** Whether a request carries an ACL in its headers (x-amz-acl or any x-amz-grant-*). */
  public static boolean inHeaders(java.util.function.Function<String, Optional<String>> header) {
    if (header.apply("x-amz-acl").isPresent()) {
      return true;
    }
    for (String[] h : GRANT_HEADERS) {
      if (header.apply(h[0]).isPresent()) {
        return true;
      }
    }
    return false;
  }

  /**
   * The ACL a request's headers ask for ({@code x-amz-acl} or {@code x-amz-grant-*}, not both:
   * InvalidRequest), empty when they ask for none. {@code emails} resolves an e-mail grantee to
   * its account (UnresolvableGrantByEmailAddress when it resolves to none).
   */
  public static Optional<AccessControlList> fromHeaders(Function<String, Optional<String>> header, Owner owner,
      Owner bucketOwner, Function<String, Optional<Owner>> emails) {
    Optional<String> canned = header.apply("x-amz-acl");
    List<Grant> grants = new ArrayList<>();
    for (String[] h : GRANT_HEADERS) {
      Optional<String> v = header.apply(h[0]);
      if (v.isPresent()) {
        for (String grantee : splitGrantees(v.get())) {
          grants.add(parseHeaderGrantee(grantee, Permission.valueOf(h[1]), emails));
        }
      }
    }
    if (canned.isPresent() && !grants.isEmpty()) {
      throw new S3Exception(new S3Error.InvalidRequest("Specifying both Canned ACLs and Header Grants is not allowed"));
    }
    if (canned.isPresent()) {
      return Optional.of(canned(canned.get().strip(), owner, bucketOwner));
    }
    if (grants.isEmpty()) {
      return Optional.empty();
    }
    checkCount(grants.size());
    return Optional.of(AccessControlList.newBuilder().setFormatVersion(FORMAT_VERSION).setOwnerId(owner.id())
        .setOwnerDisplayName(nullToEmpty(owner.displayName())).addAllGrants(grants).build());
  }

  private static List<String> splitGrantees(String v) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (char c : v.toCharArray()) {
      if (c == '"') {
        quoted = !quoted;
      }
      if (c == ',' && !quoted) {
        out.add(cur.toString().strip());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    if (!cur.toString().isBlank()) {
      out.add(cur.toString().strip());
    }
    return out;
  }

  private static Grant parseHeaderGrantee(String grantee, Permission p, Function<String, Optional<Owner>> emails) {
    int eq = grantee.indexOf('=');
    if (eq <= 0) {
      throw new S3Exception(new S3Error.InvalidArgument("Argument format not recognized"));
    }
    String type = grantee.substring(0, eq).strip().toLowerCase(Locale.ROOT);
    String value = grantee.substring(eq + 1).strip();
    if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
      value = value.substring(1, value.length() - 1);
    }
    return switch (type) {
      case "id" -> user(new Owner(value, ""), p);
      case "uri" -> group(checkedGroup(value, () -> new S3Error.InvalidArgument("Invalid group uri")), p);
      case "emailaddress" -> user(emails.apply(value).orElseThrow(
          () -> new S3Exception(new S3Error.UnresolvableGrantByEmailAddress(null))), p);
      default -> throw new S3Exception(new S3Error.InvalidArgument("Argument format not recognized"));
    };
  }

  private static String checkedGroup(String uri, java.util.function.Supplier<S3Error> error) {
    if (!uri.equals(ALL_USERS) && !uri.equals(AUTHENTICATED_USERS) && !uri.equals(LOG_DELIVERY)) {
      throw new S3Exception(error.get());
    }
    return uri;
  }

  /**
   * An AccessControlPolicy body. MalformedACLError for anything not of its shape, an unknown
   * permission or grantee type, or more than 100 grants. The owner must be {@code owner} (S3
   * refuses changing the owner through an ACL with AccessDenied).
   */
  public static AccessControlList parseXml(byte[] body, Owner owner, Function<String, Optional<Owner>> emails) {
    Element root;
    try {
      root = S3XmlRequests.parse(body, "AccessControlPolicy");
    } catch (S3Exception e) {
      throw new S3Exception(new S3Error.MalformedACLError(null));
    }
    List<Grant> grants = new ArrayList<>();
    String ownerId = null;
    for (Element child : S3XmlRequests.children(root)) {
      switch (S3XmlRequests.localName(child)) {
        case "Owner" -> ownerId = text(child, "ID").orElse(null);
        case "AccessControlList" -> {
          for (Element g : S3XmlRequests.children(child)) {
            if (!S3XmlRequests.localName(g).equals("Grant")) {
              throw new S3Exception(new S3Error.MalformedACLError(null));
            }
            grants.add(parseXmlGrant(g, emails));
          }
        }
        default -> throw new S3Exception(new S3Error.MalformedACLError(null));
      }
    }
    if (ownerId == null) {
      throw new S3Exception(new S3Error.MalformedACLError(null));
    }
    if (!ownerId.equals(owner.id())) {
      throw new S3Exception(new S3Error.AccessDenied(null));
    }
    checkCount(grants.size());
    return AccessControlList.newBuilder().setFormatVersion(FORMAT_VERSION).setOwnerId(owner.id())
        .setOwnerDisplayName(nullToEmpty(owner.displayName())).addAllGrants(grants).build();
  }

  private static Grant parseXmlGrant(Element g, Function<String, Optional<Owner>> emails) {
    Element grantee = null;
    Permission permission = null;
    for (Element c : S3XmlRequests.children(g)) {
      switch (S3XmlRequests.localName(c)) {
        case "Grantee" -> grantee = c;
        case "Permission" -> permission = permission(c.getTextContent().strip());
        default -> throw new S3Exception(new S3Error.MalformedACLError(null));
      }
    }
    if (grantee == null || permission == null) {
      throw new S3Exception(new S3Error.MalformedACLError(null));
    }
    String type = grantee.getAttributeNS(XSI, "type");
    if (type.indexOf(':') >= 0) {
      type = type.substring(type.indexOf(':') + 1);
    }
    return switch (type) {
      case "CanonicalUser" -> user(new Owner(text(grantee, "ID").orElseThrow(
          () -> new S3Exception(new S3Error.MalformedACLError(null))), text(grantee, "DisplayName").orElse("")), permission);
      case "Group" -> group(checkedGroup(text(grantee, "URI").orElse(""),
          () -> new S3Error.MalformedACLError(null)), permission);
      case "AmazonCustomerByEmail" -> user(emails.apply(text(grantee, "EmailAddress").orElse("")).orElseThrow(
          () -> new S3Exception(new S3Error.UnresolvableGrantByEmailAddress(null))), permission);
      default -> throw new S3Exception(new S3Error.MalformedACLError(null));
    };
  }

  private static Permission permission(String s) {
    return switch (s) {
      case "READ" -> Permission.READ;
      case "WRITE" -> Permission.WRITE;
      case "READ_ACP" -> Permission.READ_ACP;
      case "WRITE_ACP" -> Permission.WRITE_ACP;
      case "FULL_CONTROL" -> Permission.FULL_CONTROL;
      default -> throw new S3Exception(new S3Error.MalformedACLError(null));
    };
  }

  private static Optional<String> text(Element parent, String name) {
    for (Element c : S3XmlRequests.children(parent)) {
      if (S3XmlRequests.localName(c).equals(name)) {
        return Optional.of(c.getTextContent().strip());
      }
    }
    return Optional.empty();
  }

  private static void checkCount(int n) {
    if (n > MAX_GRANTS) {
      throw new S3Exception(new S3Error.MalformedACLError(
          "The request contains more than the maximum of " + MAX_GRANTS + " grants"));
    }
  }

  /** The AccessControlPolicy document of GetBucketAcl / GetObjectAcl. */
  public static byte[] renderXml(AccessControlList acl) {
    XmlWriter w = new XmlWriter().startRoot("AccessControlPolicy");
    w.start("Owner").element("ID", acl.getOwnerId()).element("DisplayName", acl.getOwnerDisplayName()).end("Owner");
    w.start("AccessControlList");
    for (Grant g : acl.getGrantsList()) {
      w.start("Grant");
      if (g.getType() == GranteeType.GROUP) {
        w.raw("<Grantee xmlns:xsi=\"" + XSI + "\" xsi:type=\"Group\">").element("URI", g.getUri());
      } else {
        w.raw("<Grantee xmlns:xsi=\"" + XSI + "\" xsi:type=\"CanonicalUser\">").element("ID", g.getId());
        if (!g.getDisplayName().isEmpty()) {
          w.element("DisplayName", g.getDisplayName());
        }
      }
      w.end("Grantee").element("Permission", g.getPermission().name()).end("Grant");
    }
    w.end("AccessControlList").end("AccessControlPolicy");
    return w.toBytes();
  }

  /** Whether an ACL grants anything to everyone or to every signed-in user (S3's "public" ACL). */
  public static boolean isPublic(AccessControlList acl) {
    for (Grant g : acl.getGrantsList()) {
      if (g.getType() == GranteeType.GROUP && (g.getUri().equals(ALL_USERS) || g.getUri().equals(AUTHENTICATED_USERS))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether {@code acl} grants {@code caller} one of {@code wanted} (FULL_CONTROL always counts).
   * {@code ignorePublic}: grants to AllUsers and AuthenticatedUsers are disregarded (Block
   * Public Access, IgnorePublicAcls).
   */
  public static boolean grants(AccessControlList acl, Caller caller, boolean ignorePublic, Permission... wanted) {
    for (Grant g : acl.getGrantsList()) {
      if (!matches(g, caller, ignorePublic)) {
        continue;
      }
      if (g.getPermission() == Permission.FULL_CONTROL) {
        return true;
      }
      for (Permission p : wanted) {
        if (g.getPermission() == p) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean matches(Grant g, Caller caller, boolean ignorePublic) {
    if (g.getType() == GranteeType.CANONICAL_USER) {
      return caller.canonicalId() != null && caller.canonicalId().equals(g.getId());
    }
    return switch (g.getUri()) {
      case ALL_USERS -> !ignorePublic;
      case AUTHENTICATED_USERS -> !ignorePublic && !caller.anonymous();
      default -> false;
    };
  }

  private static Grant user(Owner o, Permission p) {
    return Grant.newBuilder().setType(GranteeType.CANONICAL_USER).setId(o.id())
        .setDisplayName(nullToEmpty(o.displayName())).setPermission(p).build();
  }

  private static Grant group(String uri, Permission p) {
    return Grant.newBuilder().setType(GranteeType.GROUP).setUri(uri).setPermission(p).build();
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
