package dev.lic.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.lic.proto.v1.CodecGrpc;
import dev.lic.proto.v1.DecodeRequest;
import dev.lic.proto.v1.DecodeResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Bounded memory through the real gRPC server (docs/memory.md): concurrent decodes of a 4096x4096 bitstream
 * (a Kodak mosaic at rate 0, made once with codec-core) finish or are refused with RESOURCE_EXHAUSTED, and a
 * call whose deadline passes stops using the server (its admission ticket is returned at once, not when the
 * decode would have ended). The peak RSS of this JVM is printed, a measurement, not asserted.
 */
@QuarkusTest
@TestProfile(LargeImageAdmissionTest.LargeImages.class)
class LargeImageAdmissionTest {
    /** The default limits (16 Mpixel) and admission settings, not the small test limits. */
    public static class LargeImages implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("lic.limits.max-pixels", "16777216");
        }
    }

    @GrpcClient("codec")
    CodecGrpc.CodecBlockingStub codec;

    @Inject
    Admission admission;

    private static byte[] mosaic() throws IOException {
        try (InputStream in = LargeImageAdmissionTest.class.getResourceAsStream("/large/mosaic-4096.lic")) {
            return in.readAllBytes();
        }
    }

    @Test
    void fourConcurrentLargeDecodesFinishOrAreRefusedCleanly() throws Exception {
        DecodeRequest request = DecodeRequest.newBuilder().setBitstream(ByteString.copyFrom(mosaic())).build();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<DecodeResponse>> calls = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            calls.add(pool.submit(() -> codec.decode(request)));
        }
        int finished = 0;
        int refused = 0;
        for (Future<DecodeResponse> call : calls) {
            try {
                DecodeResponse r = call.get(5, TimeUnit.MINUTES);
                assertThat(r.getWidth()).isEqualTo(4096);
                assertThat(r.getHeight()).isEqualTo(4096);
                assertThat(r.getPng().size()).isGreaterThan(1_000_000);
                finished++;
            } catch (java.util.concurrent.ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(StatusRuntimeException.class);
                Status status = ((StatusRuntimeException) e.getCause()).getStatus();
                assertThat(status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                assertThat(status.getDescription()).startsWith("BUSY: server memory budget in use");
                refused++;
            }
        }
        pool.shutdown();
        assertThat(finished).isGreaterThanOrEqualTo(1);
        assertThat(finished + refused).isEqualTo(4);
        assertThat(admission.inUseMb()).isZero();
        System.out.printf("4 concurrent 4096x4096 decodes: %d finished, %d refused; peak RSS of this JVM %d MiB%n",
                finished, refused, peakRssMb());
    }

    @Test
    void aDecodePastItsDeadlineStopsAndReturnsItsBudget() throws Exception {
        DecodeRequest request = DecodeRequest.newBuilder().setBitstream(ByteString.copyFrom(mosaic())).build();
        assertThatThrownBy(() -> codec.withDeadlineAfter(1500, TimeUnit.MILLISECONDS).decode(request))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
        // The whole decode takes several seconds on 2 cores; a cancelled one lets go within a tile's time.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (admission.inUseMb() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(admission.inUseMb()).isZero();
    }

    /** VmHWM of this process, in MiB (Linux), or -1. */
    static long peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }
}
