package io.moraine.gateway.version;

import io.moraine.gateway.error.S3Error;
import io.moraine.gateway.error.S3Exception;
import io.moraine.gateway.http.S3Request;
import io.moraine.gateway.iam.Totp;
import io.moraine.metadata.api.MetadataClient;
import io.moraine.metadata.api.MetadataException;
import io.moraine.proto.meta.v1.ConsumeMfaStep;
import io.moraine.proto.meta.v1.GetIamEntity;
import io.moraine.proto.meta.v1.IamCommand;
import io.moraine.proto.meta.v1.IamEntityKind;
import io.moraine.proto.meta.v1.IamQuery;
import java.time.InstantSource;

/**
 * MFA delete (S3 User Guide, "Configuring MFA delete"): the {@code x-amz-mfa: SERIAL CODE} header
 * must name an enabled virtual MFA device of the bucket owner's root and carry its current code,
 * each code usable once (the metadata tier records the last step used). Needed to change MFA
 * delete, and — while it is enabled — to change the versioning state or permanently delete a
 * version. Missing, wrong and reused codes are all AccessDenied.
 */
final class MfaDelete {
  /** Codes are accepted this many 30-second steps either side of now. */
  private static final int WINDOW = 2;

  private final MetadataClient metadata;
  private final InstantSource clock;

  MfaDelete(MetadataClient metadata, InstantSource clock) {
    this.metadata = metadata;
    this.clock = clock;
  }

  void require(S3Request r, String bucketOwner) {
    String header = r.header("x-amz-mfa").map(String::strip).orElseThrow(
        () -> new S3Exception(new S3Error.AccessDenied("Mfa Authentication must be used for this request")));
    int space = header.lastIndexOf(' ');
    if (space <= 0) {
      throw new S3Exception(new S3Error.InvalidArgument("Invalid x-amz-mfa header: expected \"SERIAL CODE\""));
    }
    String serial = header.substring(0, space).strip();
    String code = header.substring(space + 1).strip();
    var device = metadata.iamQuery(IamQuery.newBuilder().setGetEntity(GetIamEntity.newBuilder().setAccountId(bucketOwner)
        .setKind(IamEntityKind.IAM_MFA_DEVICE).setName(serial)).build()).getEntity();
    if (!device.hasMfaDevice() || !device.getMfaDevice().getEnabled()
        || !device.getMfaDevice().getUserName().equals("root")) {
      throw new S3Exception(new S3Error.AccessDenied(null));
    }
    long step = Totp.match(device.getMfaDevice().getSeed().toByteArray(), code, clock.millis(), WINDOW);
    if (step < 0) {
      throw new S3Exception(new S3Error.AccessDenied(null));
    }
    try {
      metadata.iam(IamCommand.newBuilder().setConsumeMfaStep(ConsumeMfaStep.newBuilder().setSerial(serial).setStep(step))
          .build());
    } catch (MetadataException reused) {
      throw new S3Exception(new S3Error.AccessDenied(null));
    }
  }
}
