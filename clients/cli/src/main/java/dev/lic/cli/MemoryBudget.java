package dev.lic.cli;

import java.util.concurrent.Semaphore;

/**
 * Offline admission, as the server's: each image takes permits worth its estimated peak memory
 * ({@code dev.lic.core.MemoryModel}, in MiB) and gives them back when done, so parallel workers never hold
 * more than the budget at once; one image estimated above the whole budget waits for all of it and runs
 * alone. Unlike the server it waits instead of refusing: a batch has nothing better to do.
 */
final class MemoryBudget {
    private final Semaphore permits;
    private final int budgetMb;

    MemoryBudget(int budgetMb) {
        if (budgetMb < 1) {
            throw new IllegalArgumentException("the memory budget must be at least 1 MiB");
        }
        this.budgetMb = budgetMb;
        this.permits = new Semaphore(budgetMb, true);
    }

    /** Blocks until {@code bytes} (rounded up to MiB, at most the whole budget) are free; 0 takes nothing. */
    Ticket acquire(long bytes) throws InterruptedException {
        int mb = bytes <= 0 ? 0 : (int) Math.min(budgetMb, (bytes + (1 << 20) - 1) >> 20);
        permits.acquire(mb);
        return () -> permits.release(mb);
    }

    /** MiB free now. */
    int available() {
        return permits.availablePermits();
    }

    interface Ticket extends AutoCloseable {
        @Override
        void close();
    }
}
