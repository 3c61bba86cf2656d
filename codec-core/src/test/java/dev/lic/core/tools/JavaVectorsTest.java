package dev.lic.core.tools;

import dev.lic.core.Codec;
import dev.lic.core.Expectations;
import dev.lic.core.TestData;
import dev.lic.core.pack.PackSource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * testvectors/java: bitstreams of the Java encoder that the Python reference checks. Written by
 * {@link MakeJavaVectors} when they are missing or name a codec pack that is no longer there (after a pack
 * is re-exported), or when {@code -Dlic.regenerateJavaVectors=true}; every run checks that each one
 * decodes to the latents it records.
 */
class JavaVectorsTest {
    @Test
    void javaVectorsExistAndDecodeToTheirLatents() throws IOException {
        Path dir = TestData.vectors().resolve("java");
        List<PackSource> codecs = new ArrayList<>(List.of(PackSource.directory(TestData.tinyCodecPack())));
        List<PackSource> adaptors = new ArrayList<>(List.of(PackSource.directory(TestData.tinyHumanPack())));
        if (TestData.defaultPacksPresent()) {
            codecs.add(PackSource.directory(TestData.defaultCodecPack()));
            adaptors.add(PackSource.directory(TestData.defaultHumanPack()));
        }
        try (Codec codec = Codec.open(TestData.tinyOptions(1).withCodecPacks(codecs).withAdaptorPacks(adaptors))) {
            if (Boolean.getBoolean("lic.regenerateJavaVectors") || stale(codec, dir)) {
                MakeJavaVectors.write(codec, dir);
                System.out.println("testvectors/java regenerated: commit them with the packs they name");
            }
            List<Path> expectations = Expectations.list(dir);
            assertThat(expectations).hasSizeGreaterThanOrEqualTo(5);
            for (Path expect : expectations) {
                Expectations.check(codec, expect);
            }
        }
    }

    /** Missing, made with packs no longer loaded, or not the set {@link MakeJavaVectors} makes now. */
    private static boolean stale(Codec codec, Path dir) throws IOException {
        List<Path> expectations = Expectations.list(dir);
        long wanted = MakeJavaVectors.SPECS.stream()
                .filter(s -> !s.defaultPack() || codec.codecIds().size() > 1).count();
        if (expectations.size() != wanted) {
            return true;
        }
        for (Path e : expectations) {
            if (!codec.codecIds().contains(TestData.json(e).get("codec_id").textValue())) {
                return true;
            }
        }
        return false;
    }

    @Test
    void syntheticImagesAreFixedBySeed() {
        assertThat(MakeJavaVectors.synthetic("texture", 20, 10, 5).getRGB(7, 3))
                .isEqualTo(MakeJavaVectors.synthetic("texture", 20, 10, 5).getRGB(7, 3));
    }
}
