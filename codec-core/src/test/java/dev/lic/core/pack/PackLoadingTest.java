package dev.lic.core.pack;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import dev.lic.core.Codec;
import dev.lic.core.CodecOptions;
import dev.lic.core.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PackLoadingTest {
    private static final ObjectMapper JSON = new ObjectMapper();

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
    void theBundledPacksLoadFromTheClasspath() {
        CodecPack pack = CodecPack.load(PackSource.classpath(CodecOptions.DEFAULT_CODEC_PACK));
        assertThat(pack.source().describe()).isEqualTo("classpath:" + CodecOptions.DEFAULT_CODEC_PACK);
        assertThat(pack.codecId()).isEqualTo(
                TestData.json(TestData.defaultCodecPack().resolve("manifest.json")).get("codec_id").textValue());
        assertThat(pack.formatVersion()).isEqualTo(2);
        CodecPack legacy = CodecPack.load(PackSource.classpath(CodecOptions.LEGACY_CODEC_PACK_V1));
        assertThat(legacy.formatVersion()).isEqualTo(1);
        assertThat(legacy.gains()).isEmpty();
        assertThat(legacy.encoderGain()).isEmpty();
        assertThat(legacy.defaultRate()).isZero();
        assertThat(legacy.rates()).singleElement().satisfies(r -> {
            assertThat(r.index()).isZero();
            assertThat(r.lambda()).isPositive();
            assertThat(r.kodakBpp()).isNaN();
        });
        for (String adaptor : CodecOptions.BUNDLED_ADAPTOR_PACKS) {
            assertThat(AdaptorPack.load(PackSource.classpath(adaptor)).codecId()).isIn(pack.codecId(),
                    legacy.codecId());
        }
    }

    // ---------------------------------------------------------------- format version 2

    /** A copy of the variable-rate test pack with its manifest edited, hashes and codec id recomputed. */
    private Path vrCopy(String name, Consumer<ObjectNode> edit) throws IOException {
        Path dir = copy(TestData.tinyVrCodecPack(), name);
        editManifest(dir, edit);
        return dir;
    }

    private static void editManifest(Path dir, Consumer<ObjectNode> edit) throws IOException {
        ObjectNode manifest = (ObjectNode) JSON.readTree(dir.resolve("manifest.json").toFile());
        edit.accept(manifest);
        ObjectNode files = (ObjectNode) manifest.get("files");
        Map<String, String> hashes = new TreeMap<>();
        for (String file : List.copyOf(iterable(files.fieldNames()))) {
            Path f = dir.resolve(file);
            String hash = Files.isRegularFile(f) ? Manifest.sha256Hex(Files.readAllBytes(f)) : files.get(file).textValue();
            files.put(file, hash);
            hashes.put(file, hash);
        }
        manifest.put("codec_id", Manifest.codecId(hashes));
        Files.writeString(dir.resolve("manifest.json"), JSON.writerWithDefaultPrettyPrinter()
                .writeValueAsString(manifest), StandardCharsets.UTF_8);
    }

    private static List<String> iterable(java.util.Iterator<String> names) {
        List<String> out = new java.util.ArrayList<>();
        names.forEachRemaining(out::add);
        return out;
    }

    /** A copy of the variable-rate test pack, edited by {@code edit}, is refused naming {@code mentions}. */
    private void assertVrDefect(String name, Consumer<ObjectNode> edit, String... mentions) throws IOException {
        Path dir = vrCopy(name, edit);
        assertInvalidPack(() -> load(dir), mentions);
    }

    private static CodecPack load(Path dir) {
        return CodecPack.load(PackSource.directory(dir));
    }

    @Test
    void loadsTheVariableRateTestPack() {
        CodecPack pack = load(TestData.tinyVrCodecPack());
        assertThat(pack.formatVersion()).isEqualTo(2);
        assertThat(pack.fileHashes()).containsOnlyKeys("encoder.onnx", "entropy_tables.bin", "gains.bin",
                "hyper_synthesis.bin");
        assertThat(pack.encoderGain()).contains("gain");
        int rates = pack.gains().orElseThrow().rateCount();
        assertThat(pack.rates()).hasSize(rates).extracting(CodecPack.Rate::index)
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, rates).boxed().toList());
        assertThat(pack.defaultRate()).isBetween(0, rates - 1);
        assertThat(pack.hasRate(rates - 1)).isTrue();
        assertThat(pack.hasRate(rates)).isFalse();
        assertThat(pack.hasRate(-1)).isFalse();
        assertThat(pack.gains().orElseThrow().channels()).isEqualTo(pack.yChannels());
    }

    @Test
    void readsTheDescriptiveNumbersOfEachRate() throws IOException {
        Path dir = vrCopy("numbers", m -> {
            ObjectNode rate = (ObjectNode) m.get("rates").get(2);
            rate.put("kodak_bpp", 0.31).put("kodak_psnr", 28.5);
        });
        CodecPack.Rate rate = load(dir).rates().get(2);
        assertThat(rate.kodakBpp()).isEqualTo(0.31);
        assertThat(rate.kodakPsnr()).isEqualTo(28.5);
        assertThat(rate.lambda()).isPositive();
        assertThat(load(dir).rates().get(1).kodakBpp()).isNaN();
    }

    @Test
    void variableRateManifestDefectsAreRejected() throws IOException {
        assertVrDefect("v3", m -> m.put("format_version", 3), "manifest.json",
                "format_version 1 or 2");
        assertVrDefect("unlisted", m -> ((ObjectNode) m.get("files")).remove("gains.bin"),
                "gains.bin", "not listed");
        Path missing = copy(TestData.tinyVrCodecPack(), "no-gains");
        Files.delete(missing.resolve("gains.bin"));
        assertInvalidPack(() -> load(missing), "gains.bin", "missing");
        Path tampered = copy(TestData.tinyVrCodecPack(), "tampered-gains");
        byte[] gains = Files.readAllBytes(tampered.resolve("gains.bin"));
        gains[gains.length - 1] ^= 1;
        Files.write(tampered.resolve("gains.bin"), gains);
        assertInvalidPack(() -> load(tampered), "gains.bin", "SHA-256");

        assertVrDefect("no-gain-input", m -> ((ObjectNode) m.get("encoder")).remove("gain"),
                "manifest.json", "gain input");
        assertVrDefect("no-default", m -> m.remove("default_rate"), "manifest.json",
                "default_rate is required");
        assertVrDefect("default-past", m -> m.put("default_rate", 8), "default_rate 8",
                "0..7");
        assertVrDefect("default-negative", m -> m.put("default_rate", -1), "default_rate -1");
        assertVrDefect("default-text", m -> m.put("default_rate", "4"), "default_rate \"4\"");
        assertVrDefect("too-few", m -> ((ArrayNode) m.get("rates")).remove(7),
                "rates must list indexes 0..7", "it lists 7");
        assertVrDefect("too-many", m -> ((ArrayNode) m.get("rates")).addObject().put("index", 8),
                "8 rates in gains.bin", "it lists 9");
        assertVrDefect("order", m -> {
            ((ObjectNode) m.get("rates").get(2)).put("index", 3);
            ((ObjectNode) m.get("rates").get(3)).put("index", 2);
        }, "entry 2 has index 3");
        assertVrDefect("not-a-list", m -> m.put("rates", "all"), "rates is not a list");
        assertVrDefect("bpp-text", m -> ((ObjectNode) m.get("rates").get(1))
                .put("kodak_bpp", "0.3"), "rates[1].kodak_bpp must be a number");
    }

    @Test
    void gainsMustMatchTheHyperSynthesis() throws IOException {
        Path dir = vrCopy("gains-m", m -> { });
        byte[] gains = new GainsFileTest.Builder(8, 23).build();
        Files.write(dir.resolve("gains.bin"), gains);
        editManifest(dir, m -> { });
        assertInvalidPack(() -> load(dir), "gains.bin", "channel count 23", "M = 24");

        Path fewer = vrCopy("gains-r", m -> { });
        Files.write(fewer.resolve("gains.bin"), new GainsFileTest.Builder(5, 24).build());
        editManifest(fewer, m -> { });
        assertInvalidPack(() -> load(fewer), "manifest.json", "0..4", "5 rates in gains.bin", "it lists 8");
    }

    @Test
    void versionOnePacksStayVersionOne() throws IOException {
        Path gains = copy(TestData.tinyCodecPack(), "v1-gains");
        Files.write(gains.resolve("gains.bin"), new GainsFileTest.Builder(1, 24).build());
        editManifest(gains, m -> ((ObjectNode) m.get("files")).put("gains.bin", ""));
        assertInvalidPack(() -> load(gains), "gains.bin is listed", "format_version 1");

        Path gainInput = copy(TestData.tinyCodecPack(), "v1-gain-input");
        editManifest(gainInput, m -> ((ObjectNode) m.get("encoder")).put("gain", "gain"));
        assertInvalidPack(() -> load(gainInput), "only the image input");

        Path adaptor = copy(TestData.tinyVrHumanPack(), "adaptor-v2");
        replace(adaptor.resolve("manifest.json"), "\"format_version\": 1", "\"format_version\": 2");
        // version 2 names its graph under "graph" (file, input, output); "synthesis" is version 1's
        assertInvalidPack(() -> AdaptorPack.load(PackSource.directory(adaptor)), "graph must name its file");
        Path detection = copy(TestData.tinyVrHumanPack(), "adaptor-v1-detection");
        replace(detection.resolve("manifest.json"), "\"task\": \"image\"", "\"task\": \"detection\"");
        assertInvalidPack(() -> AdaptorPack.load(PackSource.directory(detection)),
                "unknown task detection for format_version 1");
        Path v3 = copy(TestData.tinyVrHumanPack(), "adaptor-v3");
        replace(v3.resolve("manifest.json"), "\"format_version\": 1", "\"format_version\": 3");
        assertInvalidPack(() -> AdaptorPack.load(PackSource.directory(v3)), "lic-adaptor-pack of format_version 1 or 2");
    }

    @Test
    void theEncoderGraphMustTakeExactlyTheNamedInputs() throws IOException {
        // A version 2 manifest naming a gain input the graph does not have.
        Path misnamed = vrCopy("misnamed-gain", m -> ((ObjectNode) m.get("encoder")).put("gain", "gains"));
        assertInvalidPack(() -> Codec.open(TestData.tinyVrOptions(1).withCodecPacks(List.of(
                PackSource.directory(misnamed))).withAdaptorPacks(List.of())).close(), "encoder.onnx",
                "no input gains");
        // The variable-rate graph declared as a version 1 pack: its gain input would never be fed.
        Path asV1 = vrCopy("v2-graph-as-v1", m -> {
            m.put("format_version", 1);
            ((ObjectNode) m.get("files")).remove("gains.bin");
            ((ObjectNode) m.get("encoder")).remove("gain");
            m.remove("default_rate");
            ((ArrayNode) m.get("rates")).removeAll().addObject().put("index", 0);
        });
        assertThat(load(asV1).formatVersion()).isEqualTo(1);
        assertInvalidPack(() -> Codec.open(TestData.tinyVrOptions(1).withCodecPacks(List.of(
                PackSource.directory(asV1))).withAdaptorPacks(List.of())).close(), "encoder.onnx",
                "input gain that the pack does not name");
    }
}
