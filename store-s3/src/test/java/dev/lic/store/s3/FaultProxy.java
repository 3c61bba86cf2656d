package dev.lic.store.s3;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback TCP proxy in front of an S3 server that injects faults per request: it answers 503, drops
 * the connection before answering, or cuts it after part of the request body — for the next {@code n}
 * requests, then passes them again. Each request travels on its own connection ({@code Connection: close}
 * is added), so every client attempt meets the fault that is armed when it arrives.
 */
final class FaultProxy implements AutoCloseable {
    enum Fault { ANSWER_503, ANSWER_500, DROP, CUT_BODY }

    private final int upstreamPort;
    private final ServerSocket server;
    private final AtomicInteger faultsLeft = new AtomicInteger();
    private final AtomicInteger faulted = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    private volatile Fault fault = Fault.ANSWER_503;
    private volatile int cutAfterBodyBytes;
    private volatile boolean matchPutsOnly;

    FaultProxy(int upstreamPort) throws IOException {
        this.upstreamPort = upstreamPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(this::acceptLoop);
    }

    int port() {
        return server.getLocalPort();
    }

    java.net.URI endpoint() {
        return java.net.URI.create("http://127.0.0.1:" + port());
    }

    /** The next {@code n} requests (Integer.MAX_VALUE: all) get {@code f}; PUT requests only if {@code putsOnly}. */
    void fail(Fault f, int n, boolean putsOnly) {
        fault = f;
        matchPutsOnly = putsOnly;
        faulted.set(0);
        faultsLeft.set(n);
    }

    void cutAfter(int bodyBytes) {
        cutAfterBodyBytes = bodyBytes;
    }

    void heal() {
        faultsLeft.set(0);
    }

    /** Requests that met a fault since the last {@link #fail}. */
    int faulted() {
        return faulted.get();
    }

    int requests() {
        return requests.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Thread.ofVirtual().start(() -> handle(client));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void handle(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            byte[] head = readHead(in);
            if (head == null) {
                return;
            }
            requests.incrementAndGet();
            String headText = new String(head, StandardCharsets.ISO_8859_1);
            boolean matches = !matchPutsOnly || headText.startsWith("PUT ");
            if (matches && faultsLeft.getAndUpdate(n -> n == Integer.MAX_VALUE ? n : Math.max(0, n - 1)) > 0) {
                faulted.incrementAndGet();
                switch (fault) {
                    case ANSWER_503 -> answer(client, "503 Service Unavailable", "SlowDown");
                    case ANSWER_500 -> answer(client, "500 Internal Server Error", "InternalError");
                    case DROP -> { } // closed without an answer
                    case CUT_BODY -> forward(client, in, headText, cutAfterBodyBytes);
                }
                return;
            }
            forward(client, in, headText, -1);
        } catch (IOException ignored) {
            // the client or the server went away
        }
    }

    /** Forwards the request (and at most {@code bodyLimit} body bytes when >= 0, then cuts) and the answer. */
    private void forward(Socket client, InputStream in, String headText, int bodyLimit) throws IOException {
        try (Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort)) {
            String rewritten = headText.replaceAll("(?im)^connection:[^\r\n]*\r\n", "")
                    .replaceFirst("\r\n\r\n$", "\r\nConnection: close\r\n\r\n");
            OutputStream up = upstream.getOutputStream();
            up.write(rewritten.getBytes(StandardCharsets.ISO_8859_1));
            up.flush();
            // The answer (and an interim "100 Continue") goes back as it comes.
            Thread back = Thread.ofVirtual().start(() -> {
                try {
                    upstream.getInputStream().transferTo(client.getOutputStream());
                    client.shutdownOutput();
                } catch (IOException ignored) {
                    // closed
                }
            });
            if (bodyLimit >= 0) {
                up.write(in.readNBytes(bodyLimit));
                up.flush();
                upstream.close(); // cut: both connections close mid-request
                client.close();
                back.join();
                return;
            }
            try {
                in.transferTo(up);
            } catch (IOException ignored) {
                // the client closed after the answer
            }
            back.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void answer(Socket client, String status, String code) throws IOException {
        byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code + "</Code><Message>injected"
                + "</Message></Error>").getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + "\r\nContent-Type: application/xml\r\nContent-Length: " + body.length
                + "\r\nConnection: close\r\n\r\n";
        OutputStream out = client.getOutputStream();
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
    }

    private static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1 : (b == '\r' ? 1 : 0);
            if (matched == 4) {
                return head.toByteArray();
            }
            if (head.size() > 64 << 10) {
                return null;
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
