package dev.lic.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.config.WithDefault;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * The default limits have one source: codec-core's {@link dev.lic.core.Limits} for pixels and per-side size,
 * {@link LicConfig.Limits#DEFAULT_MAX_REQUEST_BYTES} for bytes. application.properties only documents them
 * (commented out), so it cannot drift from the code; the gRPC message size leaves room for a full request.
 */
class DefaultLimitsTest {
    @Test
    void configDefaultsComeFromTheConstants() throws NoSuchMethodException {
        assertThat(Long.parseLong(withDefault("maxPixels"))).isEqualTo(dev.lic.core.Limits.DEFAULT_MAX_PIXELS);
        assertThat(Integer.parseInt(withDefault("maxDimension")))
                .isEqualTo(dev.lic.core.Limits.DEFAULT_MAX_DIMENSION);
        assertThat(Integer.parseInt(withDefault("maxImageBytes"))).isEqualTo(LicConfig.Limits.DEFAULT_MAX_REQUEST_BYTES);
        assertThat(Integer.parseInt(withDefault("maxBitstreamBytes")))
                .isEqualTo(LicConfig.Limits.DEFAULT_MAX_REQUEST_BYTES);
    }

    @Test
    void propertiesFileSetsNoDefaultLimitAndDocumentsTheRealOnes() throws IOException {
        String text;
        try (InputStream in = DefaultLimitsTest.class.getResourceAsStream("/application.properties")) {
            assertThat(in).isNotNull();
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(text.lines().filter(l -> l.startsWith("lic.limits."))).isEmpty();
        assertThat(text).contains("#lic.limits.max-pixels=" + dev.lic.core.Limits.DEFAULT_MAX_PIXELS + "\n",
                "#lic.limits.max-dimension=" + dev.lic.core.Limits.DEFAULT_MAX_DIMENSION + "\n",
                "#lic.limits.max-image-bytes=" + LicConfig.Limits.DEFAULT_MAX_REQUEST_BYTES + "\n",
                "#lic.limits.max-bitstream-bytes=" + LicConfig.Limits.DEFAULT_MAX_REQUEST_BYTES + "\n");
        Properties p = new Properties();
        p.load(new StringReader(text));
        assertThat(Long.parseLong(p.getProperty("quarkus.grpc.server.max-inbound-message-size")))
                .isGreaterThan(LicConfig.Limits.DEFAULT_MAX_REQUEST_BYTES);
    }

    private static String withDefault(String method) throws NoSuchMethodException {
        return LicConfig.Limits.class.getMethod(method).getAnnotation(WithDefault.class).value();
    }
}
