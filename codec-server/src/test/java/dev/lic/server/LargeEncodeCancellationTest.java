package dev.lic.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.lic.proto.v1.CodecGrpc;
import dev.lic.proto.v1.EncodeRequest;
import dev.lic.proto.v1.EncodeResponse;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * A 4096x4096 encode through the real gRPC server (docs/memory.md): cancelled by its client while its
 * analysis tiles run, the server ends it with CANCELLED and returns its admission share well before the
 * encode would have finished; the JVM's CPU use in the second after that is printed (a measurement, not
 * asserted). With {@code -Dlarge-encodes=true} (slow: one tiled 4096² encode takes minutes on 2 cores)
 * also 4 concurrent 4096² encodes, which finish or are refused cleanly; the peak RSS is printed.
 */
@QuarkusTest
@TestProfile(LargeImageAdmissionTest.LargeImages.class)
class LargeEncodeCancellationTest {
    @GrpcClient("codec")
    CodecGrpc.CodecBlockingStub codec;

    @Inject
    Admission admission;

    @Inject
    MeterRegistry registry;

    /** A 4096x4096 JPEG (small enough for the request limits) tiled from the Kodak images. */
    private static byte[] kodakMosaic() throws IOException {
        BufferedImage out = new BufferedImage(4096, 4096, BufferedImage.TYPE_INT_RGB);
        var g = out.createGraphics();
        int n = 1;
        for (int y = 0; y < 4096; y += 512) {
            for (int x = 0; x < 4096; x += 768) {
                g.drawImage(ImageIO.read(new ByteArrayInputStream(TestImages.kodak(n))), x, y, null);
                n = n % 24 + 1;
            }
        }
        g.dispose();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.write(out, "jpeg", bytes);
        return bytes.toByteArray();
    }

    private long cancelledEncodes() {
        Timer t = registry.find("lic.encode").tag("status", "CANCELLED").timer();
        return t == null ? 0 : t.count();
    }

    @Test
    void aCancelledLargeEncodeStopsAndReturnsItsBudget() throws Exception {
        EncodeRequest request = EncodeRequest.newBuilder().setImage(ByteString.copyFrom(kodakMosaic())).build();
        long cancelledBefore = cancelledEncodes();
        Context.CancellableContext call = Context.current().withCancellation();
        CompletableFuture<EncodeResponse> response = CompletableFuture.supplyAsync(() -> {
            Context previous = call.attach(); // the stub's call is cancelled with this context
            try {
                return codec.encode(request);
            } finally {
                call.detach(previous);
            }
        });
        // Admitted, then 2 s into its tiles (the whole encode takes 1-3 minutes on 2 cores).
        long admitted = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (admission.inUseMb() == 0 && System.nanoTime() < admitted) {
            Thread.sleep(10);
        }
        assertThat(admission.inUseMb()).as("the encode was admitted").isGreaterThan(1000);
        Thread.sleep(2000);
        long cancelledAt = System.nanoTime();
        call.cancel(null);
        long deadline = cancelledAt + TimeUnit.SECONDS.toNanos(20);
        while ((admission.inUseMb() > 0 || cancelledEncodes() == cancelledBefore) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        long releasedAt = System.nanoTime();
        assertThat(admission.inUseMb()).as("admission budget released").isZero();
        assertThat(cancelledEncodes()).as("the server's encode ended CANCELLED").isEqualTo(cancelledBefore + 1);
        assertThat(response).failsWithin(5, TimeUnit.SECONDS).withThrowableOfType(ExecutionException.class)
                .satisfies(e -> assertThat(Status.fromThrowable(e.getCause()).getCode())
                        .isEqualTo(Status.Code.CANCELLED));
        long cpuBefore = processCpuNanos();
        Thread.sleep(1000);
        long cpuAfter = processCpuNanos();
        System.out.printf(Locale.ROOT, "cancelled 4096x4096 encode: budget released %.0f ms after the cancel; "
                + "JVM CPU in the following second %.2f s%n", (releasedAt - cancelledAt) / 1e6,
                (cpuAfter - cpuBefore) / 1e9);
    }

    @Test
    @EnabledIfSystemProperty(named = "large-encodes", matches = "true")
    void fourConcurrentLargeEncodesFinishOrAreRefusedCleanly() throws Exception {
        EncodeRequest request = EncodeRequest.newBuilder().setImage(ByteString.copyFrom(kodakMosaic())).build();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<EncodeResponse>> calls = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            calls.add(pool.submit(() -> codec.encode(request)));
        }
        int finished = 0;
        int refused = 0;
        for (Future<EncodeResponse> call : calls) {
            try {
                EncodeResponse r = call.get(15, TimeUnit.MINUTES);
                assertThat(r.getWidth()).isEqualTo(4096);
                assertThat(r.getBitstream().size()).isGreaterThan(100_000);
                finished++;
            } catch (ExecutionException e) {
                Status status = Status.fromThrowable(e.getCause());
                assertThat(e.getCause()).isInstanceOf(StatusRuntimeException.class);
                assertThat(status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                assertThat(status.getDescription()).startsWith("BUSY: server memory budget in use");
                refused++;
            }
        }
        pool.shutdown();
        assertThat(finished).isGreaterThanOrEqualTo(1);
        assertThat(finished + refused).isEqualTo(4);
        assertThat(admission.inUseMb()).isZero();
        System.out.printf("4 concurrent 4096x4096 encodes: %d finished, %d refused; peak RSS of this JVM %d MiB%n",
                finished, refused, LargeImageAdmissionTest.peakRssMb());
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
