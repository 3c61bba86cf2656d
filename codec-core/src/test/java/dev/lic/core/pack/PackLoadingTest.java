package dev.lic.core.pack;

import dev.lic.core.Codec;
import dev.lic.core.CodecOptions;
import dev.lic.core.ErrorKind;
import dev.lic.core.LicException;
import dev.lic.core.TestData;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PackLoadingTest {
    @TempDir
    Path temp;

    private Path copy(Path pack, String name) throws IOException {
        Path dir = temp.resolve(name);
        Files.createDirectories(dir);
        try (Stream<Path> files = Files.list(pack)) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        return dir;
    }

    private static void assertInvalidPack(Runnable load, String... mentions) {
        assertThatThrownBy(load::run)
                .isInstanceOfSatisfying(LicException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_PACK))
                .message().contains(mentions);
    }

    private static void replace(Path file, String from, String to) throws IOException {
        String text = Files.readString(file);
        assertThat(text).contains(from);
        Files.writeString(file, text.replace(from, to), StandardCharsets.UTF_8);
    }

    @Test
    void loadsTheTestPacksAndRecomputesTheCodecId() {
        CodecPack codec = CodecPack.load(PackSource.directory(TestData.tinyCodecPack()));
        String manifest = TestData.json(TestData.tinyCodecPack().resolve("manifest.json")).get("codec_id").textValue();
        assertThat(codec.codecId()).isEqualTo(manifest);
        assertThat(codec.fileHashes()).containsOnlyKeys("encoder.onnx", "entropy_tables.bin", "hyper_synthesis.bin");
        assertThat(codec.rates()).hasSize(1);
        assertThat(codec.hasRate(0)).isTrue();
        assertThat(codec.hasRate(1)).isFalse();
        assertThat(codec.entropyTables().z().count()).isEqualTo(codec.zChannels());
        AdaptorPack human = AdaptorPack.load(PackSource.directory(TestData.tinyHumanPack()));
        assertThat(human.name()).isEqualTo("human");
        assertThat(human.version()).isPositive();
        assertThat(human.codecId()).isEqualTo(codec.codecId());
    }

    @Test
    void codecIdIsTheHashOfSortedNameHashLines() {
        String id = Manifest.codecId(java.util.Map.of("b.bin", "22", "a.bin", "11"));
        assertThat(id).isEqualTo(Manifest.sha256Hex("a.bin 11\nb.bin 22\n".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aTamperedFileIsRejectedByName() throws IOException {
        for (String file : List.of("hyper_synthesis.bin", "entropy_tables.bin", "encoder.onnx")) {
            Path dir = copy(TestData.tinyCodecPack(), "tampered-" + file);
            byte[] bytes = Files.readAllBytes(dir.resolve(file));
            bytes[bytes.length / 2] ^= 1;
            Files.write(dir.resolve(file), bytes);
            assertInvalidPack(() -> CodecPack.load(PackSource.directory(dir)), file, "SHA-256");
        }
        Path human = copy(TestData.tinyHumanPack(), "tampered-human");
        Files.write(human.resolve("synthesis.onnx"), new byte[] {1, 2, 3});
        assertInvalidPack(() -> AdaptorPack.load(PackSource.directory(human)), "synthesis.onnx");
    }

    @Test
    void manifestDefectsAreRejected() throws IOException {
        Path missing = copy(TestData.tinyCodecPack(), "missing");
        Files.delete(missing.resolve("entropy_tables.bin"));
        assertInvalidPack(() -> CodecPack.load(PackSource.directory(missing)), "entropy_tables.bin", "missing");

        Path id = copy(TestData.tinyCodecPack(), "id");
        String codecId = TestData.json(id.resolve("manifest.json")).get("codec_id").textValue();
        replace(id.resolve("manifest.json"), codecId, "0".repeat(64));
        assertInvalidPack(() -> CodecPack.load(PackSource.directory(id)), "codec_id");

        Path format = copy(TestData.tinyCodecPack(), "format");
        replace(format.resolve("manifest.json"), "lic-codec-pack", "lic-adaptor-pack");
        assertInvalidPack(() -> CodecPack.load(PackSource.directory(format)), "manifest.json");

        Path garbage = copy(TestData.tinyCodecPack(), "garbage");
        Files.writeString(garbage.resolve("manifest.json"), "{not json");
        assertInvalidPack(() -> CodecPack.load(PackSource.directory(garbage)), "manifest.json", "JSON");

        Path traversal = copy(TestData.tinyCodecPack(), "traversal");
        replace(traversal.resolve("manifest.json"), "\"encoder.onnx\"", "\"../encoder.onnx\"");
        assertInvalidPack(() -> CodecPack.load(PackSource.directory(traversal)), "plain file name");

        Path rates = copy(TestData.tinyCodecPack(), "rates");
        replace(rates.resolve("manifest.json"), "\"index\": 0", "\"index\": 1");
        assertInvalidPack(() -> CodecPack.load(PackSource.directory(rates)), "rate");

        Path name = copy(TestData.tinyHumanPack(), "name");
        replace(name.resolve("manifest.json"), "\"human\"", "\"Human!\"");
        assertInvalidPack(() -> AdaptorPack.load(PackSource.directory(name)), "name");

        assertInvalidPack(() -> CodecPack.load(PackSource.directory(temp.resolve("nowhere"))), "manifest.json",
                "missing");
        assertInvalidPack(() -> CodecPack.load(PackSource.classpath("lic/packs/no-such-pack")), "manifest.json");
    }

    @Test
    void codecRejectsAdaptorsItCannotServe() throws IOException {
        Path orphan = copy(TestData.tinyHumanPack(), "orphan");
        String codecId = TestData.json(orphan.resolve("manifest.json")).get("codec_id").textValue();
        replace(orphan.resolve("manifest.json"), codecId, "f".repeat(64));
        CodecOptions options = TestData.tinyOptions(1).withAdaptorPacks(List.of(PackSource.directory(orphan)));
        assertInvalidPack(() -> Codec.open(options).close(), "not loaded");

        Path names = copy(TestData.tinyHumanPack(), "names");
        replace(names.resolve("manifest.json"), "\"y_hat\"", "\"latent\"");
        CodecOptions badNames = TestData.tinyOptions(1).withAdaptorPacks(List.of(PackSource.directory(names)));
        assertInvalidPack(() -> Codec.open(badNames).close(), "no input latent");

        CodecOptions twice = TestData.tinyOptions(1).withAdaptorPacks(List.of(
                PackSource.directory(TestData.tinyHumanPack()), PackSource.directory(TestData.tinyHumanPack())));
        assertInvalidPack(() -> Codec.open(twice).close(), "already loaded");
    }

    @Test
    void theBundledDefaultPackLoadsFromTheClasspath() {
        Assumptions.assumeTrue(TestData.defaultPacksPresent(), "the default pack is not exported yet");
        CodecPack pack = CodecPack.load(PackSource.classpath(CodecOptions.DEFAULT_CODEC_PACK));
        assertThat(pack.source().describe()).isEqualTo("classpath:" + CodecOptions.DEFAULT_CODEC_PACK);
        assertThat(pack.codecId()).isEqualTo(
                TestData.json(TestData.defaultCodecPack().resolve("manifest.json")).get("codec_id").textValue());
    }
}
