package dev.lic.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A one-line progress bar on stderr, redrawn a few times a second while a batch runs; it draws nothing
 * unless stderr is a terminal ({@link #stderrIsTerminal()}) and {@code --quiet} was not given, so pipes and
 * log files get only the results.
 */
final class ProgressBar implements AutoCloseable {
    private static final int WIDTH = 30;
    private final String verb;
    private final int total;
    private final PrintStream err;
    private final AtomicInteger done = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final long start = System.nanoTime();
    private final Thread painter;

    private ProgressBar(String verb, int total, PrintStream err, boolean draw) {
        this.verb = verb;
        this.total = total;
        this.err = err;
        if (draw) {
            painter = Thread.ofPlatform().daemon().name("lic-progress").start(this::paintLoop);
        } else {
            painter = null;
        }
    }

    static ProgressBar start(String verb, int total, boolean quiet) {
        return new ProgressBar(verb, total, System.err, !quiet && stderrIsTerminal());
    }

    /**
     * Whether stderr is a terminal: the {@code lic} launcher says so in {@code -Dlic.tty} (it can test the
     * file descriptor; Java cannot); without it, whether the JVM has an interactive console.
     */
    static boolean stderrIsTerminal() {
        String told = System.getProperty("lic.tty");
        if (told != null) {
            return Boolean.parseBoolean(told);
        }
        java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        try { // Console.isTerminal() exists from Java 22; on 21 a console is only given to terminals
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    void finished(boolean ok) {
        done.incrementAndGet();
        if (!ok) {
            failed.incrementAndGet();
        }
    }

    private void paintLoop() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                paint();
                Thread.sleep(200);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized void paint() {
        err.print("\r" + line(done.get(), failed.get(), (System.nanoTime() - start) / 1e9) + "\u001b[K");
        err.flush();
    }

    /** {@code [#####.....]  12/24 decoded, 1 failed  3.1 s, ~3 s left}. */
    String line(int n, int bad, double seconds) {
        int filled = total == 0 ? WIDTH : (int) ((long) WIDTH * n / total);
        StringBuilder s = new StringBuilder("[").append("#".repeat(filled)).append(".".repeat(WIDTH - filled))
                .append("] ").append(n).append('/').append(total).append(' ').append(verb);
        if (bad > 0) {
            s.append(", ").append(bad).append(" failed");
        }
        s.append(String.format(Locale.ROOT, "  %.1f s", seconds));
        if (n > 0 && n < total) {
            s.append(String.format(Locale.ROOT, ", ~%.0f s left", seconds / n * (total - n)));
        }
        return s.toString();
    }

    /** Stops drawing and clears the line, so the summary starts on a clean line. */
    @Override
    public void close() {
        if (painter != null) {
            painter.interrupt();
            try {
                painter.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (this) {
                err.print("\r\u001b[K");
                err.flush();
            }
        }
    }
}
