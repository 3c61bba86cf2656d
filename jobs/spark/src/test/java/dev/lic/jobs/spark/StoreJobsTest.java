package dev.lic.jobs.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lic.api.ErrorKind;
import dev.lic.core.Limits;
import dev.lic.store.BitstreamStore;
import dev.lic.store.BitstreamStores;
import dev.lic.store.ContentId;
import dev.lic.store.EntryDescriber;
import dev.lic.store.StoreConfig;
import dev.lic.store.s3.S3TestServer;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The jobs on the shared bitstream store, through the {@code lic-spark} command line in local mode, against a
 * real S3 server (S3Proxy on loopback) and a filesystem store: three Kodak images plus bad objects
 * (a truncated PNG, a text file) read from an {@code s3://} prefix into a filesystem store, the same images from
 * a folder into an S3 store; then decoded back by id from both stores. Credentials reach the jobs as they
 * reach the server: through the standard AWS chain (here its system properties).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StoreJobsTest {
    private static final String BUCKET = "lic-spark";
    private static final int MAX_BITSTREAM = Limits.DEFAULT_MAX_BITSTREAM_BYTES;
    /** An object the decode test forges into the filesystem store: its bytes do not match this id. */
    private static final String FORGED = ContentId.of("another bitstream".getBytes());

    private S3TestServer s3;
    private S3Client client;
    private Path tmp;
    private List<Path> images;
    private StoreConfig fsStore;
    private StoreConfig s3Store;
    private Result fromS3;
    private Result intoS3;

    @BeforeAll
    void encodeIntoBothStores(@TempDir Path dir) throws Exception {
        tmp = dir;
        images = TestSpark.kodak().subList(0, 3);
        s3 = new S3TestServer(BUCKET);
        System.setProperty("aws.accessKeyId", S3TestServer.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", S3TestServer.SECRET_KEY);
        client = S3Client.builder().endpointOverride(s3.endpoint()).region(Region.of(S3TestServer.REGION))
                .forcePathStyle(true)
                // S3Proxy checks payload hashes, not the SDK's newer trailing checksums (as in S3Objects)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY))).build();
        byte[] kodim01 = Files.readAllBytes(images.get(0));
        for (Path image : images) {
            upload("corpus/kodak/" + image.getFileName(), Files.readAllBytes(image));
            TestSpark.write(tmp.resolve("input").resolve(image.getFileName()), Files.readAllBytes(image));
        }
        upload("corpus/bad/truncated.png", Arrays.copyOf(kodim01, 5000));
        upload("corpus/bad/notes.txt", "not an image".getBytes());
        upload("corpus/.hidden.png", kodim01); // skipped, as Spark's file sources skip such names
        upload("corpus-other/outside.png", kodim01); // not under the prefix
        TestSpark.session();

        fsStore = StoreConfig.filesystem(tmp.resolve("fs-store"));
        fromS3 = run("encode", "s3://" + BUCKET + "/corpus", "-o", tmp.resolve("a").toString(),
                "--store-dir", fsStore.dir(), "--store-s3-endpoint", s3.endpoint().toString(), "--store-s3-path-style");
        s3Store = StoreConfig.s3(s3.endpoint().toString(), null, BUCKET, true, "store/");
        intoS3 = run("encode", tmp.resolve("input").toString(), "-o", tmp.resolve("b").toString(),
                "--store-s3-bucket", BUCKET, "--store-s3-prefix", "store/", "--store-s3-endpoint",
                s3.endpoint().toString(), "--store-s3-path-style");
    }

    @AfterAll
    void stop() throws Exception {
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
        if (client != null) {
            client.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    @Test
    void anS3PrefixIsReadAndItsBadObjectsAreRowsWithReasons() {
        assertThat(fromS3.code).as(fromS3.err).isZero();
        assertThat(fromS3.out).contains("images 5: encoded 3, failed 2", "bitstreams store " + fsStore.dir());
        Map<String, Row> rows = table("a");
        assertThat(rows.keySet()).containsExactlyInAnyOrder("s3://lic-spark/corpus/bad/notes.txt",
                "s3://lic-spark/corpus/bad/truncated.png", "s3://lic-spark/corpus/kodak/kodim01.png",
                "s3://lic-spark/corpus/kodak/kodim02.png", "s3://lic-spark/corpus/kodak/kodim03.png");
        for (String bad : List.of("s3://lic-spark/corpus/bad/notes.txt", "s3://lic-spark/corpus/bad/truncated.png")) {
            assertThat(rows.get(bad).<String>getAs("status")).isEqualTo(EncodeTable.FAILED);
            assertThat(rows.get(bad).<String>getAs("error_kind")).isEqualTo(ErrorKind.INVALID_IMAGE.name());
            assertThat(rows.get(bad).<String>getAs("error_reason")).isNotBlank();
        }
    }

    @Test
    void theFilesystemStoreHoldsEveryBitstreamVerifiedUnderItsContentId() {
        BitstreamStore store = BitstreamStores.open(fsStore, MAX_BITSTREAM, EntryDescriber.NONE);
        assertStoredAndVerified(store, table("a"));
        List<String> encoded = table("a").values().stream().<String>map(r -> r.getAs("id"))
                .filter(java.util.Objects::nonNull).toList();
        assertThat(store.ids("", 100)).filteredOn(id -> !id.equals(FORGED))
                .containsExactlyInAnyOrderElementsOf(encoded);
        assertThat(ExecutorStores.openedCount(fsStore)).as("one store per JVM, not per task or record").isEqualTo(1);
    }

    @Test
    void theS3StoreHoldsTheSameBitstreamsUnderContentAddressedKeys() {
        assertThat(intoS3.code).as(intoS3.err).isZero();
        assertThat(intoS3.out).contains("images 3: encoded 3, failed 0", "bitstreams store s3://lic-spark/store/");
        Map<String, Row> rows = table("b");
        BitstreamStore store = BitstreamStores.open(s3Store, MAX_BITSTREAM, EntryDescriber.NONE);
        try {
            assertStoredAndVerified(store, rows);
            for (Row row : rows.values()) {
                String id = row.getAs("id");
                byte[] object = client.getObjectAsBytes(b -> b.bucket(BUCKET).key("store/bitstreams/" + id))
                        .asByteArray();
                assertThat(ContentId.of(object)).isEqualTo(id);
            }
        } finally {
            BitstreamStores.close(store);
        }
        // The same images read from S3 and from a folder encode to the same bitstreams.
        Map<String, String> idsByName = table("a").values().stream().filter(r -> r.getAs("id") != null)
                .collect(Collectors.toMap(r -> name(r.getAs("source_path")), r -> r.getAs("id")));
        rows.values().forEach(r -> assertThat(idsByName.get(name(r.getAs("source_path"))))
                .isEqualTo(r.<String>getAs("id")));
        assertThat(ExecutorStores.openedCount(s3Store)).isEqualTo(1);
    }

    @Test
    void storedIdsDecodeAndBadIdsAreRows() throws Exception {
        // One object whose bytes do not match its key: STORE_CORRUPT, not decoded.
        String forged = FORGED;
        Path forgedPath = tmp.resolve("fs-store/objects").resolve(forged.substring(0, 2)).resolve(forged);
        Files.createDirectories(forgedPath.getParent());
        Files.write(forgedPath, Files.readAllBytes(images.get(0)));
        String absent = "0".repeat(64);

        Result r = run("decode", "-o", tmp.resolve("dec-a").toString(), "--store-dir", fsStore.dir(),
                "--ids-from", tmp.resolve("a/table").toString(), "--id", absent + ",not-an-id", "--id", forged);
        assertThat(r.code).as(r.err).isZero();
        assertThat(r.out).contains("bitstreams 6: decoded 3, failed 3 (task image)", "pngs 3");
        Map<String, Row> decoded = TestSpark.session().read().parquet(tmp.resolve("dec-a/decoded").toString())
                .collectAsList().stream().collect(Collectors.toMap(row -> row.getAs("source_path"),
                        Function.identity()));
        Map<String, Row> encoded = table("a");
        for (Row e : encoded.values()) {
            String id = e.getAs("id");
            if (id == null) {
                continue;
            }
            Row d = decoded.get(fsStore.uriOf(id));
            assertThat(d.<String>getAs("status")).isEqualTo(EncodeTable.OK);
            assertThat(d.<String>getAs("id")).isEqualTo(id);
            assertThat(d.<Integer>getAs("width")).isEqualTo(e.<Integer>getAs("width"));
            assertThat(d.<Integer>getAs("height")).isEqualTo(e.<Integer>getAs("height"));
            assertThat(tmp.resolve("dec-a/png/" + id + ".png")).isRegularFile();
        }
        assertThat(decoded.get(fsStore.uriOf(absent)).<String>getAs("error_kind")).isEqualTo("NOT_FOUND");
        assertThat(decoded.get(fsStore.uriOf("not-an-id")).<String>getAs("error_kind")).isEqualTo("INVALID_ARGUMENT");
        assertThat(decoded.get(fsStore.uriOf(forged)).<String>getAs("error_kind")).isEqualTo("STORE_CORRUPT");
    }

    @Test
    void withoutIdsEveryBitstreamOfTheS3StoreIsDecoded() {
        Result r = run("decode", "-o", tmp.resolve("dec-b").toString(), "--no-png", "--store-s3-bucket", BUCKET,
                "--store-s3-prefix", "store/", "--store-s3-endpoint", s3.endpoint().toString(),
                "--store-s3-path-style");
        assertThat(r.code).as(r.err).isZero();
        assertThat(r.out).contains("bitstreams 3: decoded 3, failed 0 (task image)");
    }

    @Test
    void aMissingBucketStopsTheJobBeforeAnyTaskWithExit11() {
        Result r = run("encode", tmp.resolve("input").toString(), "-o", tmp.resolve("none").toString(),
                "--store-s3-bucket", "no-such-bucket", "--store-s3-endpoint", s3.endpoint().toString(),
                "--store-s3-path-style");
        assertThat(r.code).isEqualTo(11);
        assertThat(r.err).contains("UNAVAILABLE", "no-such-bucket");
        assertThat(tmp.resolve("none/table")).doesNotExist();
    }

    @Test
    void twoStoresAtOnceAreABadArgument() {
        Result r = run("encode", tmp.resolve("input").toString(), "-o", tmp.resolve("two").toString(),
                "--store-dir", tmp.resolve("x").toString(), "--store-s3-bucket", BUCKET);
        assertThat(r.code).isEqualTo(2);
        assertThat(r.err).contains("--store-kind");
    }

    private static void assertStoredAndVerified(BitstreamStore store, Map<String, Row> rows) {
        for (Row row : rows.values()) {
            String id = row.getAs("id");
            if (id == null) {
                continue;
            }
            byte[] bitstream = store.get(id); // re-hashed against the id by the store
            assertThat(ContentId.of(bitstream)).isEqualTo(id);
            assertThat((long) bitstream.length).isEqualTo(row.<Long>getAs("size"));
        }
    }

    private Map<String, Row> table(String out) {
        return TestSpark.session().read().parquet(tmp.resolve(out).resolve("table").toString()).collectAsList()
                .stream().collect(Collectors.toMap(r -> r.getAs("source_path"), Function.identity()));
    }

    private static String name(String uri) {
        return uri.substring(uri.lastIndexOf('/') + 1);
    }

    private void upload(String key, byte[] bytes) {
        client.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(bytes));
    }

    private record Result(int code, String out, String err) {}

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(code, out.toString(), err.toString());
    }
}
