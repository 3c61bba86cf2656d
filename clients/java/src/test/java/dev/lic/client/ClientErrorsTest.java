package dev.lic.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import io.grpc.Status;
import org.junit.jupiter.api.Test;

class ClientErrorsTest {

    @Test
    void serverKindPrefixIsRecovered() {
        LicException e = ClientErrors.toLicException(Status.DATA_LOSS
                .withDescription("CORRUPT_BITSTREAM: bitstream checksum mismatch").asRuntimeException());
        assertThat(e.kind()).isEqualTo(ErrorKind.CORRUPT_BITSTREAM);
        assertThat(e.getMessage()).isEqualTo("bitstream checksum mismatch");
    }

    @Test
    void statusWithoutKindIsMappedByCode() {
        assertThat(ClientErrors.toLicException(Status.UNAVAILABLE.withDescription("io exception")
                .asRuntimeException()).kind()).isEqualTo(ErrorKind.UNAVAILABLE);
        assertThat(ClientErrors.toLicException(Status.RESOURCE_EXHAUSTED
                .withDescription("gRPC message exceeds maximum size 34603008: 40000000").asRuntimeException()).kind())
                .isEqualTo(ErrorKind.TOO_LARGE);
        assertThat(ClientErrors.toLicException(Status.DEADLINE_EXCEEDED.asRuntimeException()).kind())
                .isEqualTo(ErrorKind.UNAVAILABLE);
        assertThat(ClientErrors.toLicException(Status.UNAUTHENTICATED.asRuntimeException()).kind())
                .isEqualTo(ErrorKind.UNAUTHENTICATED);
        assertThat(ClientErrors.toLicException(Status.PERMISSION_DENIED.withDescription("denied").asRuntimeException())
                .kind()).isEqualTo(ErrorKind.PERMISSION_DENIED);
        assertThat(ClientErrors.toLicException(Status.INVALID_ARGUMENT
                .withDescription("NOT_A_KIND: something").asRuntimeException()).kind())
                .isEqualTo(ErrorKind.INVALID_ARGUMENT);
    }
}
