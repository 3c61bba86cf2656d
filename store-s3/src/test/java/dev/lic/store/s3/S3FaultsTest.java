package dev.lic.store.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import dev.lic.store.ContentId;
import dev.lic.store.EntryDescriber;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The S3 server failing under the store: answering 500/503, dropping connections, cut mid-upload, stopped.
 * The store retries with backoff (4 attempts in these settings), then reports UNAVAILABLE; nothing
 * half-written is ever listed or read. Wrong credentials and a missing bucket fail at construction with
 * a message that says what to fix.
 */
class S3FaultsTest {
    private static final String CODEC = "cd".repeat(32);
    private S3TestServer server;
    private FaultProxy proxy;
    private String prefix;

    @BeforeEach
    void start() throws Exception {
        server = new S3TestServer("lic-faults");
        proxy = new FaultProxy(server.port());
        prefix = "t-" + UUID.randomUUID() + "/";
    }

    @AfterEach
    void stop() throws Exception {
        proxy.close();
        server.close();
    }

    private S3BitstreamStore store() {
        return new S3BitstreamStore(server.settings(proxy.endpoint(), prefix), 32 << 20, EntryDescriber.NONE);
    }

    private static void assertUnavailable(Runnable call) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(LicException.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.UNAVAILABLE);
            assertThat(e.getMessage()).contains("4 attempts");
        });
    }

    @Test
    void transient503sAreRetriedAndTheCallSucceeds() {
        try (S3BitstreamStore store = store()) {
            byte[] bytes = "survives two 503s".getBytes(StandardCharsets.UTF_8);
            proxy.fail(FaultProxy.Fault.ANSWER_503, 2, false);
            String id = store.put(bytes).id();
            assertThat(proxy.faulted()).isEqualTo(2);
            assertThat(store.get(id)).isEqualTo(bytes);
        }
    }

    @Test
    void persistent500sOr503sAreUnavailableAfterTheRetries() {
        try (S3BitstreamStore store = store()) {
            String id = store.put("stored before".getBytes(StandardCharsets.UTF_8)).id();
            proxy.fail(FaultProxy.Fault.ANSWER_503, Integer.MAX_VALUE, false);
            assertUnavailable(() -> store.get(id));
            assertThat(proxy.faulted()).isEqualTo(4);
            proxy.fail(FaultProxy.Fault.ANSWER_500, Integer.MAX_VALUE, false);
            assertUnavailable(() -> store.list("", 10));
            assertThat(proxy.faulted()).isEqualTo(4);
            proxy.heal();
            assertThat(store.get(id)).isNotEmpty();
        }
    }

    @Test
    void droppedConnectionsAreRetriedThenUnavailable() {
        try (S3BitstreamStore store = store()) {
            proxy.fail(FaultProxy.Fault.DROP, 1, false);
            String id = store.put("one drop".getBytes(StandardCharsets.UTF_8)).id();
            assertThat(proxy.faulted()).isEqualTo(1);
            proxy.fail(FaultProxy.Fault.DROP, Integer.MAX_VALUE, false);
            assertUnavailable(() -> store.get(id));
            assertThat(proxy.faulted()).isEqualTo(4);
        }
    }

    @Test
    void anUploadCutMidRequestLeavesNothingListedOrReadable() {
        try (S3BitstreamStore store = store()) {
            byte[] bytes = new byte[256 << 10];
            new Random(3).nextBytes(bytes);
            proxy.cutAfter(100 << 10);
            proxy.fail(FaultProxy.Fault.CUT_BODY, Integer.MAX_VALUE, true);
            assertUnavailable(() -> store.put(bytes));
            proxy.heal();
            assertThat(store.list("", 10)).isEmpty();
            assertThatThrownBy(() -> store.get(ContentId.of(bytes))).isInstanceOfSatisfying(LicException.class,
                    e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND));
        }
    }

    @Test
    void aMultipartUploadCutMidPartLeavesNothingListed() {
        S3Settings settings = server.settings(proxy.endpoint(), prefix)
                .withMultipart(S3Settings.MIN_PART_SIZE, S3Settings.MIN_PART_SIZE);
        try (S3BitstreamStore store = new S3BitstreamStore(settings, 32 << 20, EntryDescriber.NONE)) {
            byte[] bytes = new byte[11 << 20];
            new Random(4).nextBytes(bytes);
            proxy.cutAfter(1 << 20);
            proxy.fail(FaultProxy.Fault.CUT_BODY, Integer.MAX_VALUE, true);
            assertUnavailable(() -> store.put(bytes));
            proxy.heal();
            assertThat(store.list("", 10)).isEmpty();
            assertThat(store.put(bytes).created()).isTrue(); // and a later Put stores it whole
            assertThat(store.get(ContentId.of(bytes))).isEqualTo(bytes);
        }
    }

    @Test
    void aRegistryVersionCutMidUploadIsNeverListed() {
        try (S3RegistryStore registry = new S3RegistryStore(server.settings(proxy.endpoint(), prefix))) {
            byte[] model = new byte[64 << 10];
            proxy.cutAfter(10 << 10);
            proxy.fail(FaultProxy.Fault.CUT_BODY, Integer.MAX_VALUE, true);
            assertUnavailable(() -> registry.writeVersion(CODEC, "human", 1,
                    Map.of("manifest.json", "{}".getBytes(StandardCharsets.UTF_8), "synthesis.onnx", model)));
            proxy.heal();
            assertThat(registry.listVersions()).isEmpty();
            registry.writeVersion(CODEC, "human", 1, Map.of("manifest.json", "{}".getBytes(StandardCharsets.UTF_8)));
            assertThat(registry.listVersions()).hasSize(1);
        }
    }

    @Test
    void aStoppedServerIsUnavailable() throws Exception {
        try (S3BitstreamStore store = store()) {
            String id = store.put("before the stop".getBytes(StandardCharsets.UTF_8)).id();
            server.stop();
            assertUnavailable(() -> store.get(id));
        }
    }

    @Test
    void wrongCredentialsFailAtStartWithWhatToFix() {
        S3Settings wrong = server.settings(prefix).withCredentials(
                StaticCredentialsProvider.create(AwsBasicCredentials.create(S3TestServer.ACCESS_KEY, "not-the-secret")));
        assertThatThrownBy(() -> new S3BitstreamStore(wrong, 1 << 20, EntryDescriber.NONE))
                .isInstanceOfSatisfying(LicException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.UNAVAILABLE);
                    assertThat(e.getMessage()).contains("credentials were refused").contains("AWS_ACCESS_KEY_ID");
                });
        assertThatThrownBy(() -> new S3RegistryStore(wrong)).isInstanceOf(LicException.class);
    }

    @Test
    void aMissingBucketFailsAtStartWithWhatToFix() {
        S3Settings settings = server.settings(prefix);
        S3Settings missing = new S3Settings(settings.endpoint(), settings.region(), "no-such-bucket", true, "",
                settings.credentials(), 2, settings.baseDelay(), settings.maxDelay(), settings.attemptTimeout(),
                settings.multipartThreshold(), settings.partSize());
        assertThatThrownBy(() -> new S3BitstreamStore(missing, 1 << 20, EntryDescriber.NONE))
                .isInstanceOfSatisfying(LicException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.UNAVAILABLE);
                    assertThat(e.getMessage()).contains("no-such-bucket").contains("create");
                });
    }

    @Test
    void anUnreachableEndpointFailsAtStart() throws Exception {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        S3Settings settings = server.settings(java.net.URI.create("http://127.0.0.1:" + closedPort), prefix);
        assertThatThrownBy(() -> new S3BitstreamStore(settings, 1 << 20, EntryDescriber.NONE))
                .isInstanceOfSatisfying(LicException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.UNAVAILABLE);
                    assertThat(e.getMessage()).contains("cannot reach");
                });
    }
}
