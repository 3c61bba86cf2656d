package dev.lic.core.tools;

import dev.lic.core.Codec;
import dev.lic.core.Expectations;
import dev.lic.core.TestData;
import dev.lic.core.pack.PackSource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * testvectors/java and testvectors/java-vr: bitstreams of the Java encoder that the Python reference checks.
 * Written by {@link MakeJavaVectors} when they are missing, name a codec pack that is no longer there (after
 * a pack is re-exported) or are not the set it makes now, or when {@code -Dlic.regenerateJavaVectors=true};
 * every run checks that each one decodes to the latents (and adaptor input) it records. To rewrite them all:
 * <pre>./mvnw -B -pl codec-core -am test -Dtest=JavaVectorsTest -Dsurefire.failIfNoSpecifiedTests=false -Dlic.regenerateJavaVectors=true</pre>
 */
class JavaVectorsTest {
    @Test
    void javaVectorsExistAndDecodeToTheirLatents() throws IOException {
        // The single-rate test pack, and the single-rate pack shipped before the variable-rate one.
        check(TestData.vectors().resolve("java"),
                List.of(TestData.tinyCodecPack(), TestData.legacyCodecPack()),
                List.of(TestData.tinyHumanPack(), TestData.legacyHumanPack()), 6);
    }

    @Test
    void variableRateJavaVectorsCoverEveryRateAndDecodeToTheirLatents() throws IOException {
        check(TestData.vectors().resolve("java-vr"),
                List.of(TestData.tinyVrCodecPack(), TestData.defaultCodecPack()),
                List.of(TestData.tinyVrHumanPack(), TestData.defaultHumanPack()), 2 * 4);
    }

    private static void check(Path dir, List<Path> codecPacks, List<Path> adaptorPacks, int atLeast)
            throws IOException {
        List<PackSource> codecs = codecPacks.stream().map(PackSource::directory).toList();
        List<PackSource> adaptors = adaptorPacks.stream().map(PackSource::directory).toList();
        try (Codec codec = Codec.open(TestData.tinyOptions(1).withCodecPacks(codecs).withAdaptorPacks(adaptors))) {
            if (Boolean.getBoolean("lic.regenerateJavaVectors") || stale(codec, dir)) {
                MakeJavaVectors.write(codec, dir);
                System.out.println(dir + " regenerated: commit it with the packs it names");
            }
            List<Path> expectations = Expectations.list(dir);
            assertThat(expectations).hasSizeGreaterThanOrEqualTo(atLeast);
            for (Path expect : expectations) {
                Expectations.check(codec, expect);
            }
        }
    }

    /** Missing, made with packs no longer loaded, or not the set {@link MakeJavaVectors} makes now. */
    private static boolean stale(Codec codec, Path dir) throws IOException {
        if (!dir.toFile().isDirectory()) {
            return true;
        }
        Set<String> wanted = MakeJavaVectors.plan(codec).stream().map(v -> v.name() + ".expect.json")
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> present = Expectations.list(dir).stream().map(p -> p.getFileName().toString())
                .collect(Collectors.toCollection(TreeSet::new));
        if (!wanted.equals(present)) {
            return true;
        }
        for (Path e : Expectations.list(dir)) {
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

    @Test
    void aVariableRatePackGivesOneVectorPerImageAndRate() {
        try (Codec codec = Codec.open(TestData.tinyVrOptions(1).withAdaptorPacks(List.of()))) {
            int rates = codec.codecPack(codec.defaultCodecId()).rates().size();
            List<MakeJavaVectors.Vector> plan = MakeJavaVectors.plan(codec);
            assertThat(plan).hasSize(MakeJavaVectors.TEST_VR_SPECS.size() * rates);
            assertThat(plan).extracting(MakeJavaVectors.Vector::name).contains("gradient_64x64_r0",
                    "gradient_64x64_r" + (rates - 1));
        }
    }
}
