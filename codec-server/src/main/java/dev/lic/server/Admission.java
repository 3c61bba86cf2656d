package dev.lic.server;

import io.grpc.Status;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Admission against a memory budget (docs/memory.md): each Encode or Decode takes permits worth its
 * estimated peak memory ({@link dev.lic.core.MemoryModel}, in MiB) from one fair semaphore of
 * {@code lic.admission.budget-mb} MiB and gives them back when it ends. A request that cannot get them
 * within {@code lic.admission.wait-ms} is refused with RESOURCE_EXHAUSTED ("BUSY: ..."), before it allocates
 * anything that scales with the image. A request estimated above the whole budget waits for all of it and
 * runs alone (its peak is bounded by the pixel limit instead). Thread-safe.
 */
public final class Admission {
    private static final Logger LOG = Logger.getLogger(Admission.class);

    private final Semaphore permits;
    private final int budgetMb;
    private final long waitMillis;

    /** The permits one admitted request holds; closing returns them (once). */
    public final class Ticket implements AutoCloseable {
        private final int mb;
        private boolean closed;

        private Ticket(int mb) {
            this.mb = mb;
        }

        public int megabytes() {
            return mb;
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                permits.release(mb);
            }
        }
    }

    public Admission(int budgetMb, long waitMillis) {
        if (budgetMb < 1 || waitMillis < 0) {
            throw new IllegalArgumentException("lic.admission.budget-mb must be >= 1 and wait-ms >= 0");
        }
        this.permits = new Semaphore(budgetMb, true);
        this.budgetMb = budgetMb;
        this.waitMillis = waitMillis;
    }

    /**
     * Admits a request estimated at {@code bytes}, waiting up to the configured time.
     *
     * @throws io.grpc.StatusRuntimeException RESOURCE_EXHAUSTED when the budget stays taken
     */
    public Ticket admit(long bytes, String what) {
        long estimateMb = Math.max(1, (bytes + (1 << 20) - 1) >> 20);
        int mb = (int) Math.min(estimateMb, budgetMb);
        boolean admitted;
        try {
            admitted = permits.tryAcquire(mb, waitMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Status.CANCELLED.withDescription("interrupted while waiting for admission").asRuntimeException();
        }
        if (!admitted) {
            String message = String.format(Locale.ROOT, "BUSY: server memory budget in use (%s needs about %d MiB,"
                    + " %d of %d MiB free after waiting %d ms); retry later", what, estimateMb, permits.availablePermits(),
                    budgetMb, waitMillis);
            LOG.debug(message);
            throw Status.RESOURCE_EXHAUSTED.withDescription(message).asRuntimeException();
        }
        return new Ticket(mb);
    }

    /** MiB of the budget held by requests now. */
    public int inUseMb() {
        return budgetMb - permits.availablePermits();
    }

    public int budgetMb() {
        return budgetMb;
    }
}
