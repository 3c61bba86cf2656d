package dev.lic.store.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import dev.lic.store.BitstreamStore;
import dev.lic.store.ContentId;
import dev.lic.store.EntryDescriber;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

/** The bitstream store on a real S3 server (S3Proxy on loopback); each test gets its own key prefix. */
class S3BitstreamStoreTest {
    /** Describes objects that start with "hdr:" as codec "c" of size 3x2, the rest as unreadable. */
    private static final EntryDescriber DESCRIBER = bytes -> new String(bytes, StandardCharsets.UTF_8).startsWith("hdr:")
            ? new EntryDescriber.Header("c", 3, 2) : null;
    private static S3TestServer server;
    private String prefix;

    @BeforeAll
    static void start() throws Exception {
        server = new S3TestServer("lic-bitstreams");
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @BeforeEach
    void freshPrefix() {
        prefix = "t-" + UUID.randomUUID() + "/";
    }

    private S3BitstreamStore store() {
        return new S3BitstreamStore(server.settings(prefix), 32 << 20, DESCRIBER);
    }

    @Test
    void putIsContentAddressedIdempotentAndReadsBackVerified() {
        try (S3BitstreamStore store = store()) {
            byte[] bytes = "hdr: a bitstream".getBytes(StandardCharsets.UTF_8);
            BitstreamStore.PutResult first = store.put(bytes);
            assertThat(first.id()).isEqualTo(ContentId.of(bytes));
            assertThat(first.created()).isTrue();
            assertThat(store.put(bytes).created()).isFalse();
            assertThat(store.get(first.id())).isEqualTo(bytes);
            assertThat(store.list("", 10)).containsExactly(
                    new BitstreamStore.StoredEntry(first.id(), bytes.length, "c", 3, 2));
            store.delete(first.id());
            assertKind(() -> store.get(first.id()), ErrorKind.NOT_FOUND);
            assertKind(() -> store.delete(first.id()), ErrorKind.NOT_FOUND);
            assertKind(() -> store.get("../etc/passwd"), ErrorKind.INVALID_ARGUMENT);
        }
    }

    @Test
    void listingPagesInIdOrderAndSkipsStrayKeys() {
        try (S3BitstreamStore store = store(); S3Objects raw = new S3Objects(server.settings(prefix))) {
            Set<String> ids = new HashSet<>();
            for (int i = 0; i < 23; i++) {
                ids.add(store.put(("object " + i).getBytes(StandardCharsets.UTF_8)).id());
            }
            raw.put(raw.key(S3BitstreamStore.DIR + "not-an-id"), new byte[] {1}, null, null, "test");
            List<String> listed = new ArrayList<>();
            String after = "";
            List<BitstreamStore.StoredEntry> page;
            while (!(page = store.list(after, 5)).isEmpty()) {
                assertThat(page.size()).isLessThanOrEqualTo(5);
                page.forEach(e -> listed.add(e.id()));
                after = page.get(page.size() - 1).id();
            }
            assertThat(listed).isSorted().hasSize(23).containsExactlyInAnyOrderElementsOf(ids);
            assertThat(store.list("", 100)).allSatisfy(e -> assertThat(e.codecId()).isEmpty());
        }
    }

    @Test
    void anObjectWhoseContentDoesNotMatchItsKeyIsDataLossAndNeverServedUntilRepaired() {
        try (S3BitstreamStore store = store(); S3Objects raw = new S3Objects(server.settings(prefix))) {
            byte[] good = "hdr: good bytes".getBytes(StandardCharsets.UTF_8);
            String id = ContentId.of(good);
            raw.client.putObject(b -> b.bucket(server.bucket()).key(raw.key(S3BitstreamStore.DIR + id)),
                    RequestBody.fromString("hdr: tampered"));
            assertThatThrownBy(() -> store.get(id)).isInstanceOfSatisfying(LicException.class, e -> {
                assertThat(e.kind()).isEqualTo(ErrorKind.STORE_CORRUPT);
                assertThat(e.getMessage()).contains("checksum");
            });
            // A Put of the right bytes replaces the bad object.
            assertThat(store.put(good).created()).isTrue();
            assertThat(store.get(id)).isEqualTo(good);
        }
    }

    @Test
    void largeObjectsGoUpInPartsAndReadBackWhole() {
        byte[] big = new byte[12 << 20];
        new Random(7).nextBytes(big);
        S3Settings settings = server.settings(prefix).withMultipart(S3Settings.MIN_PART_SIZE, S3Settings.MIN_PART_SIZE);
        try (S3BitstreamStore store = new S3BitstreamStore(settings, 32 << 20, DESCRIBER)) {
            BitstreamStore.PutResult put = store.put(big);
            assertThat(put.created()).isTrue();
            assertThat(store.get(put.id())).isEqualTo(big);
            assertThat(store.list("", 10)).extracting(BitstreamStore.StoredEntry::sizeBytes)
                    .containsExactly((long) big.length);
        }
    }

    @Test
    void anObjectLargerThanAnyBitstreamIsCorruptUnread() {
        try (S3BitstreamStore store = new S3BitstreamStore(server.settings(prefix), 16, DESCRIBER);
             S3Objects raw = new S3Objects(server.settings(prefix))) {
            byte[] bytes = new byte[100];
            String id = ContentId.of(bytes);
            raw.put(raw.key(S3BitstreamStore.DIR + id), bytes, null, null, "test");
            assertKind(() -> store.get(id), ErrorKind.STORE_CORRUPT);
        }
    }

    @Test
    void aSecondReplicaSeesTheObjectAtOnceAndConcurrentPutsAllLand() throws Exception {
        try (S3BitstreamStore a = store(); S3BitstreamStore b = store()) {
            byte[] first = "hdr: first".getBytes(StandardCharsets.UTF_8);
            assertThat(a.put(first).created()).isTrue();
            assertThat(b.put(first).created()).isFalse();
            assertThat(b.get(ContentId.of(first))).isEqualTo(first);

            // Whether exactly one of racing Puts reports "created" rests on the server's atomic If-None-Match
            // (AWS S3, MinIO); S3Proxy checks it before writing. Every Put lands and the object is whole.
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                byte[] bytes = "hdr: raced".getBytes(StandardCharsets.UTF_8);
                List<Future<BitstreamStore.PutResult>> results = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    BitstreamStore target = i % 2 == 0 ? a : b;
                    results.add(pool.submit(() -> target.put(bytes)));
                }
                int created = 0;
                for (Future<BitstreamStore.PutResult> f : results) {
                    assertThat(f.get().id()).isEqualTo(ContentId.of(bytes));
                    created += f.get().created() ? 1 : 0;
                }
                assertThat(created).isGreaterThanOrEqualTo(1);
                assertThat(a.get(ContentId.of(bytes))).isEqualTo(bytes);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    static void assertKind(Runnable call, ErrorKind kind) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(LicException.class,
                e -> assertThat(e.kind()).isEqualTo(kind));
    }
}
