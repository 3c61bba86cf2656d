package dev.lic.core;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A cancellation that fires while the analysis graph runs terminates that run promptly. */
class CancellationTest {
    /** Cancelled from another thread after {@code delayMs}, like a gRPC deadline. */
    static final class Timed implements Cancellation {
        private final List<Runnable> actions = new CopyOnWriteArrayList<>();
        private volatile boolean cancelled;
        volatile long firedAt;

        void fire() {
            firedAt = System.nanoTime();
            cancelled = true;
            actions.forEach(Runnable::run);
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }

        @Override
        public Registration onCancel(Runnable action) {
            actions.add(action);
            if (cancelled) {
                action.run();
            }
            return () -> actions.remove(action);
        }
    }

    @Test
    void encodeCancelledDuringTheAnalysisGraphStopsWithinASecond() throws Exception {
        Path kodim = TestData.sharedData("kodak/kodim01.png").orElse(null);
        Assumptions.assumeTrue(kodim != null && TestData.defaultPacksPresent(), "Kodak images or packs not found");
        byte[] png = TestData.bytes(kodim);
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try (Codec codec = Codec.open(TestData.defaultPackOptions(1))) {
            codec.encode(png); // warm up
            Timed cancellation = new Timed();
            timer.schedule(cancellation::fire, 60, TimeUnit.MILLISECONDS); // the graph takes ~250+ ms
            assertThatThrownBy(() -> codec.encode(png, codec.defaultCodecId(), OptionalInt.empty(), cancellation))
                    .isInstanceOf(CancelledException.class);
            long afterFire = (System.nanoTime() - cancellation.firedAt) / 1_000_000;
            System.out.println("encode cancelled: stopped " + afterFire + " ms after the cancellation fired");
            assertThat(afterFire).isLessThan(1000);
            assertThat(codec.encode(png).bitstream()).isNotEmpty(); // the session still works
        } finally {
            timer.shutdownNow();
        }
    }
}
