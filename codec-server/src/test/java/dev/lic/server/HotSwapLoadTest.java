package dev.lic.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lic.client.LicClient;
import dev.lic.proto.v1.AdaptorEntry;
import dev.lic.proto.v1.AdaptorState;
import dev.lic.proto.v1.AdaptorVersion;
import dev.lic.proto.v1.DecodeResponse;
import dev.lic.proto.v1.EncodeResponse;
import dev.lic.proto.v1.RegisterHeader;
import dev.lic.proto.v1.RegisterResponse;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The hot-swap guarantee under load, CI-sized, through the real gRPC server: decoders keep running while
 * versions of {@code human} swap, and none of their requests fails; many register/activate/delete cycles leave
 * the registry as it was. The full-size measurement (8 decoders, 60 s, 1,000 cycles, with latencies and RSS) is
 * {@code dev.lic.bench.HotSwapLoad}, docs/hot-swap-load.md.
 */
@QuarkusTest
class HotSwapLoadTest {
    private static final int DECODERS = 4;
    private static final Duration LOAD = Duration.ofSeconds(10);
    private static final long SWAP_MS = 200;

    private ManagedChannel channel;
    private LicClient client;
    private String codecId;

    @BeforeEach
    void connect() {
        channel = ManagedChannelBuilder.forTarget("localhost:9001").usePlaintext()
                .maxInboundMessageSize(LicClient.MAX_MESSAGE_BYTES).build();
        client = LicClient.over(channel, Duration.ofSeconds(120), Optional.of(AdminCallsTest.TOKEN));
        codecId = client.describe().getDefaultCodecId();
    }

    @AfterEach
    void restore() throws InterruptedException {
        if (human().getActiveVersion() != AdaptorsServiceTest.SHIPPED_ACTIVE) {
            client.activateAdaptor(codecId, "human", AdaptorsServiceTest.SHIPPED_ACTIVE);
        }
        for (AdaptorVersion v : human().getVersionsList()) {
            if (!AdaptorsServiceTest.SHIPPED.contains(v.getVersion()) && v.getState() != AdaptorState.LOADING) {
                client.deleteAdaptor(codecId, "human", v.getVersion());
            }
        }
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private AdaptorEntry human() {
        return client.listAdaptors().getAdaptorsList().stream()
                .filter(a -> a.getName().equals("human") && a.getCodecId().equals(codecId)).findFirst().orElseThrow();
    }

    @Test
    void decodersNeverFailWhileVersionsSwapEvery200Ms() throws Exception {
        // Swapped: the two shipped versions of human, 1 (float) and 2 (int8, active at start).
        assertThat(human().getVersionsList()).extracting(AdaptorVersion::getVersion).containsExactly(1, 2);
        assertThat(human().getVersionsList()).allMatch(v -> v.getState() == AdaptorState.READY);
        List<byte[]> bitstreams = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int[] size : new int[][] {{256, 192}, {192, 256}, {320, 240}}) {
            EncodeResponse e = client.encode(TestImages.png(size[0], size[1]), true);
            bitstreams.add(e.getBitstream().toByteArray());
            ids.add(e.getStoredId());
        }

        long end = System.nanoTime() + LOAD.toNanos();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        Map<Integer, AtomicInteger> served = new ConcurrentHashMap<>();
        AtomicInteger requests = new AtomicInteger();
        List<Thread> decoders = new ArrayList<>();
        for (int t = 0; t < DECODERS; t++) {
            int thread = t;
            decoders.add(Thread.ofPlatform().name("decoder-" + t).start(() -> {
                for (int i = 0; System.nanoTime() < end; i++) {
                    int image = (thread + i) % bitstreams.size();
                    try {
                        DecodeResponse d = i % 2 == 0 ? client.decode(bitstreams.get(image), "human")
                                : client.decodeStored(ids.get(image), "human");
                        served.computeIfAbsent(d.getAdaptorVersion(), v -> new AtomicInteger()).incrementAndGet();
                        requests.incrementAndGet();
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }
            }));
        }
        int swaps = 0;
        List<Throwable> swapFailures = new ArrayList<>();
        for (int next = 1; System.nanoTime() < end; next = 3 - next) {
            Thread.sleep(SWAP_MS);
            try {
                assertThat(client.activateAdaptor(codecId, "human", next).getActiveVersion()).isEqualTo(next);
                swaps++;
            } catch (Throwable e) {
                swapFailures.add(e);
            }
        }
        for (Thread d : decoders) {
            d.join();
        }

        System.out.printf("HotSwapLoadTest: %d decodes by %d threads in %s, %d swaps, versions served %s%n",
                requests.get(), DECODERS, LOAD, swaps, served);
        assertThat(failures).isEmpty();
        assertThat(swapFailures).isEmpty();
        assertThat(swaps).isGreaterThanOrEqualTo(30);
        assertThat(requests.get()).isGreaterThanOrEqualTo(DECODERS);
        assertThat(served.keySet()).isSubsetOf(Set.of(1, 2)).containsExactlyInAnyOrder(1, 2);
    }

    @Test
    void hundredRegisterActivateDeleteCyclesLeaveTheRegistryAsItWas() throws Exception {
        AdaptorEntry before = human();
        int shipped = before.getActiveVersion(); // the int8 version 2 (version 1, float, is listed too)
        assertThat(before.getVersionsList()).extracting(AdaptorVersion::getVersion).doesNotContain(3);
        Map<String, byte[]> v3 = AdaptorsServiceTest.humanPack(3);
        for (int c = 0; c < 100; c++) {
            RegisterResponse r = client.registerAdaptor(v3, RegisterHeader.getDefaultInstance());
            assertThat(r.getVersion().getState()).as("cycle %d", c).isEqualTo(AdaptorState.READY);
            assertThat(client.activateAdaptor(codecId, "human", 3).getActiveVersion()).isEqualTo(3);
            assertThat(client.activateAdaptor(codecId, "human", shipped).getActiveVersion()).isEqualTo(shipped);
            client.deleteAdaptor(codecId, "human", 3);
        }
        AdaptorEntry after = human();
        assertThat(after.getActiveVersion()).isEqualTo(shipped);
        assertThat(after.getVersionsList()).extracting(AdaptorVersion::getVersion)
                .containsExactlyElementsOf(before.getVersionsList().stream().map(AdaptorVersion::getVersion).toList());
        assertThat(after.getVersionsList()).allMatch(v -> v.getState() == AdaptorState.READY);
        assertThat(after.getPreviousVersionsList()).doesNotContain(3);
        assertThat(client.decode(client.encode(TestImages.png(64, 48), false).getBitstream().toByteArray(), "human")
                .getAdaptorVersion()).isEqualTo(shipped);
    }
}
