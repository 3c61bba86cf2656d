package dev.lic.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import dev.lic.client.LicClient;
import dev.lic.proto.v1.CodecInfo;
import dev.lic.proto.v1.DescribeResponse;
import dev.lic.proto.v1.EncodeResponse;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.OptionalInt;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** The Java client library against the real server: encoding with and without a rate index. */
@QuarkusTest
class LicClientTest {
    @ConfigProperty(name = "quarkus.grpc.server.test-port")
    int port;

    @Test
    void encodeWithoutARateGetsTheDefaultRateAndWithOneGetsThatRate() {
        try (LicClient client = LicClient.connect("localhost:" + port, Duration.ofSeconds(60))) {
            DescribeResponse d = client.describe();
            CodecInfo codec = d.getCodecsList().stream().filter(c -> c.getCodecId().equals(d.getDefaultCodecId()))
                    .findFirst().orElseThrow();
            byte[] png = TestImages.png(96, 64);
            EncodeResponse plain = client.encode(png, false);
            assertThat(plain.getRateIndex()).isEqualTo(codec.getDefaultRateIndex());
            assertThat(client.encode(png, OptionalInt.empty(), false).getBitstream()).isEqualTo(plain.getBitstream());
            EncodeResponse lowest = client.encode(png, 0, false);
            assertThat(lowest.getRateIndex()).isZero();
            assertThat(lowest.getBitstream().size()).isLessThan(plain.getBitstream().size());
            assertThatThrownBy(() -> client.encode(png, codec.getRatesCount(), false))
                    .isInstanceOfSatisfying(LicException.class,
                            e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT));
        }
    }
}
