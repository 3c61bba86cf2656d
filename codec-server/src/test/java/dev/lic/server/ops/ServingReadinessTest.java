package dev.lic.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lic.core.Codec;
import dev.lic.core.CodecOptions;
import dev.lic.core.TestData;
import dev.lic.core.pack.PackSource;
import dev.lic.core.registry.AdaptorRepository;
import dev.lic.store.FileSystemRegistryStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Readiness over real codecs (the tiny variable-rate test packs) in each state: serving, no human adaptor
 * for the default codec, and a recorded active adaptor whose pack no longer loads after a restart.
 */
class ServingReadinessTest {
    private static final String CODEC = "f651178800829b76541a8d64d5cf0790e5d2d3824e402a9166cba331543524fe";

    private static CodecOptions tinyVr(Path repository, Path... adaptors) {
        return CodecOptions.defaults()
                .withCodecPacks(List.of(PackSource.directory(TestData.tinyVrCodecPack())))
                .withAdaptorPacks(java.util.Arrays.stream(adaptors).map(PackSource::directory).toList())
                .withIntraOpThreads(1)
                .withAdaptorRepository(repository);
    }

    @Test
    void upWhenTheDefaultCodecAndEveryActiveAdaptorServe(@TempDir Path repo) {
        try (Codec codec = Codec.open(tinyVr(repo, TestData.tinyVrHumanPack(), TestData.tinyVrDetectionPack()))) {
            ServingReadiness.Verdict v = ServingReadiness.of(codec, new AdaptorRepository(repo));
            assertThat(v.up()).as(v.details().toString()).isTrue();
            assertThat(v.details()).containsEntry("defaultCodec", CODEC)
                    .containsEntry(CODEC + "/human", "version 1 READY")
                    .containsEntry(CODEC + "/detection", "version 1 READY");
        }
    }

    @Test
    void downWithoutAHumanAdaptorForTheDefaultCodec(@TempDir Path repo) {
        try (Codec codec = Codec.open(tinyVr(repo, TestData.tinyVrDetectionPack()))) {
            ServingReadiness.Verdict v = ServingReadiness.of(codec, new AdaptorRepository(repo));
            assertThat(v.up()).isFalse();
            assertThat(v.details().get("defaultAdaptor")).contains("no READY \"human\" adaptor", CODEC);
        }
    }

    @Test
    void downWhenTheRecordedActiveVersionNoLongerLoads(@TempDir Path repo) throws Exception {
        try (Codec codec = Codec.open(tinyVr(repo, TestData.tinyVrHumanPack(), TestData.tinyVrDetectionPack()))) {
            assertThat(ServingReadiness.of(codec, new AdaptorRepository(repo)).up()).isTrue();
        }
        // the stored pack is damaged between two runs: its hash no longer matches the manifest
        Path graph = new FileSystemRegistryStore(repo).versionDir(CODEC, "detection", 1).resolve("adaptor.onnx");
        byte[] bytes = Files.readAllBytes(graph);
        bytes[bytes.length / 2] ^= 0x5a;
        Files.write(graph, bytes);
        try (Codec codec = Codec.open(tinyVr(repo, TestData.tinyVrHumanPack(), TestData.tinyVrDetectionPack()))) {
            ServingReadiness.Verdict v = ServingReadiness.of(codec, new AdaptorRepository(repo));
            assertThat(v.up()).isFalse();
            assertThat(v.details().get(CODEC + "/detection")).startsWith("recorded active version 1 does not serve: FAILED");
            assertThat(v.details()).containsEntry(CODEC + "/human", "version 1 READY");
            assertThat(v.details()).doesNotContainKey("defaultAdaptor");
        }
    }

    @Test
    void aFirstUploadThatFailedIsListedButDoesNotMakeTheServerUnready(@TempDir Path repo) throws Exception {
        try (Codec codec = Codec.open(tinyVr(repo, TestData.tinyVrHumanPack()))) {
            var files = TestData.packFiles(TestData.tinyVrDetectionPack());
            TestData.editPackFile(files, "selftest_expected.json", "0.81", "0.91");
            var registered = codec.registry().register(files, dev.lic.core.registry.PackRegistry.Expected.ANY, true)
                    .get();
            assertThat(registered.state()).isEqualTo(dev.lic.core.registry.PackRegistry.State.FAILED);
            ServingReadiness.Verdict v = ServingReadiness.of(codec, new AdaptorRepository(repo));
            assertThat(v.up()).as(v.details().toString()).isTrue();
            assertThat(v.details().get(CODEC + "/detection")).isEqualTo("no active version (1 not READY)");
        }
    }
}
