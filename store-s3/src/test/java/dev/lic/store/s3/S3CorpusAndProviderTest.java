package dev.lic.store.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import dev.lic.store.BitstreamStore;
import dev.lic.store.BitstreamStores;
import dev.lic.store.ContentId;
import dev.lic.store.EntryDescriber;
import dev.lic.store.StoreConfig;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Reading a prefix as a corpus, and opening the S3 store from a {@link StoreConfig}, on S3Proxy. */
class S3CorpusAndProviderTest {
    private static S3TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = new S3TestServer("lic-corpus");
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void aPrefixIsListedInKeyOrderAndReadWithinItsLimit() {
        try (S3Objects writer = new S3Objects(server.settings(""))) {
            writer.put("corpus/b.png", bytes("bb"), null, null, "test");
            writer.put("corpus/a/x.png", bytes("a"), null, null, "test");
            writer.put("corpus2/c.png", bytes("c"), null, null, "test");
        }
        try (S3Corpus corpus = new S3Corpus(server.settings("corpus/"))) {
            assertThat(corpus.list()).containsExactly(new S3Corpus.Entry("corpus/a/x.png", 1),
                    new S3Corpus.Entry("corpus/b.png", 2));
            assertThat(corpus.read("corpus/b.png", 2))
                    .hasValueSatisfying(b -> assertThat(b).isEqualTo(bytes("bb")));
            assertThat(corpus.read("corpus/gone.png", 2)).isEmpty();
            assertThatThrownBy(() -> corpus.read("corpus/b.png", 1)).isInstanceOfSatisfying(LicException.class,
                    e -> assertThat(e.kind()).isEqualTo(ErrorKind.TOO_LARGE));
        }
    }

    @Test
    void aMissingBucketIsUnavailableWithTheReason() {
        S3Settings absent = S3Settings.of(java.util.Optional.of(server.endpoint()), S3TestServer.REGION, "absent", true,
                "").withCredentials(server.settings("").credentials());
        assertThatThrownBy(() -> new S3Corpus(absent))
                .isInstanceOfSatisfying(LicException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.UNAVAILABLE))
                .hasMessageContaining("bucket absent does not exist");
    }

    @Test
    void anS3ConfigOpensTheS3StoreThroughTheProvider() {
        StoreConfig config = StoreConfig.s3(server.endpoint().toString(), S3TestServer.REGION, server.bucket(), true,
                "via-config");
        String previousKey = System.getProperty("aws.accessKeyId");
        System.setProperty("aws.accessKeyId", S3TestServer.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", S3TestServer.SECRET_KEY);
        BitstreamStore store = BitstreamStores.open(config, 1 << 20, EntryDescriber.NONE);
        try {
            assertThat(store).isInstanceOf(S3BitstreamStore.class);
            String id = store.put(bytes("a bitstream")).id();
            assertThat(id).isEqualTo(ContentId.of(bytes("a bitstream")));
            assertThat(store.ids("", 10)).containsExactly(id);
            try (S3Objects reader = new S3Objects(server.settings(""))) {
                assertThat(reader.head("via-config/bitstreams/" + id, "test")).isPresent();
            }
        } finally {
            BitstreamStores.close(store);
            if (previousKey == null) {
                System.clearProperty("aws.accessKeyId");
                System.clearProperty("aws.secretAccessKey");
            }
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
