package io.moraine.gateway.publicaccess;

import com.google.protobuf.ByteString;
import io.moraine.gateway.access.Access;
import io.moraine.gateway.access.AccessConfigs;
import io.moraine.gateway.access.S3Action;
import io.moraine.gateway.auth.Identity;
import io.moraine.gateway.error.S3Error;
import io.moraine.gateway.error.S3Exception;
import io.moraine.gateway.http.Bodies;
import io.moraine.gateway.http.S3Request;
import io.moraine.gateway.http.S3Response;
import io.moraine.proto.meta.v1.GetAccountConfig;
import io.moraine.proto.meta.v1.IamCommand;
import io.moraine.proto.meta.v1.IamQuery;
import io.moraine.proto.meta.v1.PutAccountConfig;
import java.io.IOException;

/**
 * The account-level Block Public Access of the S3 Control API
 * ({@code /v20180820/configuration/publicAccessBlock} with {@code x-amz-account-id}): Get, Put
 * and DeletePublicAccessBlock for the caller's own account. Every bucket of the account combines
 * it with its own setting (each flag on if on at either level).
 */
public final class AccountPublicAccessBlockApi {
  public static final String PATH = "/v20180820/configuration/publicAccessBlock";
  private static final String S3CONTROL_NS = "http://awss3control.amazonaws.com/doc/2018-08-20/";
  private static final int MAX_BODY_BYTES = 16 * 1024;

  private final Access access;

  public AccountPublicAccessBlockApi(Access access) {
    this.access = access;
  }

  public void handle(S3Request r, S3Response out, String accountId, String method) throws IOException {
    Identity id = r.principal().identity();
    if (id == null || !id.awsAccountId().equals(accountId)) {
      throw new S3Exception(new S3Error.AccessDenied(null));
    }
    switch (method) {
      case "GET" -> {
        access.service(r, S3Action.GetAccountPublicAccessBlock, null);
        var reply = access.metadata().iamQuery(IamQuery.newBuilder().setGetAccountConfig(GetAccountConfig.newBuilder()
            .setAccountId(id.accountId()).setKind(AccessConfigs.PUBLIC_ACCESS_BLOCK)).build());
        if (!reply.hasAccountConfig() || reply.getAccountConfig().getBody().isEmpty()) {
          throw new S3Exception(new S3Error.NoSuchPublicAccessBlockConfiguration(null));
        }
        var pab = AccessConfigs.decodePublicAccessBlock(reply.getAccountConfig().getBody().toByteArray());
        out.xml(200, PublicAccessBlockXml.render(pab, S3CONTROL_NS));
      }
      case "PUT" -> {
        access.service(r, S3Action.PutAccountPublicAccessBlock, null);
        var pab = PublicAccessBlockXml.parse(Bodies.readSmall(r, MAX_BODY_BYTES));
        put(id, ByteString.copyFrom(AccessConfigs.encodePublicAccessBlock(pab)));
        out.empty(200);
      }
      case "DELETE" -> {
        access.service(r, S3Action.PutAccountPublicAccessBlock, null);
        put(id, ByteString.EMPTY);
        out.empty(204);
      }
      default -> throw new S3Exception(new S3Error.MethodNotAllowed(null));
    }
  }

  private void put(Identity id, ByteString body) {
    access.metadata().iam(IamCommand.newBuilder().setPutAccountConfig(PutAccountConfig.newBuilder()
        .setAccountId(id.accountId()).setKind(AccessConfigs.PUBLIC_ACCESS_BLOCK).setBody(body)).build());
  }
}
