package dev.lic.core.registry;

import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import dev.lic.core.adaptor.AdaptorKind;
import dev.lic.core.adaptor.TaskAdaptor;
import dev.lic.core.onnx.SessionConfig;
import dev.lic.core.pack.AdaptorPack;
import dev.lic.core.pack.PackSource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The adaptors a codec serves, as immutable snapshots behind an atomic reference (docs/adaptor-registry.md).
 *
 * <p>An adaptor is (codec id, name); each has versions in state LOADING, READY or FAILED (with the
 * reason) and at most one active version, the one a request that names no version gets. Every READY
 * version can be asked for by number. Version policy: only the active version and the rollback target
 * keep their sessions open; any other READY version (one just registered or loaded on demand included)
 * lets go of them at the next change of its adaptor (never while a lease holds them: they close when the
 * last lease ends) and is loaded again, validated again, when a request or an activation names it.
 *
 * <p>Guarantees: a request takes a lease ({@link #lease}) on the version it uses and keeps it for its
 * whole duration; a version's sessions are closed only when it has left the registry (deleted, or the
 * registry closed) and its last lease ends. A new version is loaded and validated (manifest, SHA-256 of
 * every file, codec loaded, graphs with the declared names, a dry run: the warm-up) before it can serve;
 * one that fails stays FAILED with its reason and never becomes active. Activation switches the pointer
 * to an already loaded version: load new, switch, drain old, never unload first. Mutations (register,
 * activate, rollback, delete) are serialized, each a short critical section; loading runs outside it,
 * so requests and other mutations go on while a version loads. With a repository every change is
 * written to disk before it is published, so which version is active survives a restart.
 */
public final class PackRegistry implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(PackRegistry.class.getName());

    /** Lifecycle of one version. */
    public enum State { LOADING, READY, FAILED }

    /**
     * One version as listed. @param reason why it FAILED; empty otherwise @param loaded whether its sessions
     * are open now (a READY version that is neither active nor the rollback target is unloaded, and loaded
     * again when a request or an activation names it)
     */
    public record VersionStatus(int version, State state, String reason, String task, String source,
                                boolean loaded) {
    }

    /** One adaptor as listed. @param activeVersion the version served by default; 0 when none */
    public record AdaptorStatus(String codecId, String name, int activeVersion, List<Integer> previousVersions,
                                List<VersionStatus> versions) {
    }

    /** The outcome of a register: the version's final state and the adaptor's active version after it. */
    public record Registered(String codecId, String name, VersionStatus version, int activeVersion) {
        public State state() {
            return version.state();
        }

        public String reason() {
            return version.reason();
        }
    }

    /** What a Register caller expects of the pack: empty/0 fields let the manifest decide. */
    public record Expected(String codecId, String name, int version) {
        public static final Expected ANY = new Expected("", "", 0);
    }

    /** The loaded sessions of one READY version, reference counted: the registry holds one, each lease one. */
    static final class Loaded {
        final String codecId;
        final String name;
        final int version;
        final TaskAdaptor adaptor;
        private final AtomicInteger refs = new AtomicInteger(1);

        Loaded(String codecId, String name, int version, TaskAdaptor adaptor) {
            this.codecId = codecId;
            this.name = name;
            this.version = version;
            this.adaptor = adaptor;
        }

        boolean tryAcquire() {
            for (;;) {
                int r = refs.get();
                if (r == 0) {
                    return false;
                }
                if (refs.compareAndSet(r, r + 1)) {
                    return true;
                }
            }
        }

        void release() {
            int left = refs.decrementAndGet();
            if (left == 0) {
                adaptor.close();
            } else if (left < 0) {
                throw new IllegalStateException("adaptor released more often than acquired");
            }
        }

        boolean closed() {
            return refs.get() == 0;
        }
    }

    private record Key(String codecId, String name) {
    }

    /** @param pack where a READY version is loaded from again after it was unloaded; null otherwise */
    private record Version(int version, State state, String reason, String task, String source, Loaded loaded,
                           PackSource pack) {
        Version(int version, State state, String reason, String task, String source, Loaded loaded) {
            this(version, state, reason, task, source, loaded, null);
        }

        VersionStatus status() {
            return new VersionStatus(version, state, reason, task == null ? "" : task, source, loaded != null);
        }

        Version unloaded() {
            return new Version(version, state, reason, task, source, null, pack);
        }
    }

    private record Entry(NavigableMap<Integer, Version> versions, int active, List<Integer> previous) {
        Entry {
            versions = Collections.unmodifiableNavigableMap(new TreeMap<>(versions));
            previous = List.copyOf(previous);
        }

        static Entry of(Version v) {
            return new Entry(new TreeMap<>(Map.of(v.version, v)), 0, List.of());
        }

        Entry with(Version v) {
            TreeMap<Integer, Version> copy = new TreeMap<>(versions);
            copy.put(v.version, v);
            return new Entry(copy, active, previous);
        }

        /** The version {@link #rollback} would go back to: the newest READY one of the history; 0 if none. */
        int rollbackTarget() {
            for (int i = previous.size() - 1; i >= 0; i--) {
                Version v = versions.get(previous.get(i));
                if (v != null && v.state == State.READY && v.version != active) {
                    return v.version;
                }
            }
            return 0;
        }

        /**
         * This entry with the sessions of every READY version other than the active one, the rollback
         * target and {@code keep} (0: none) let go (added to {@code drained}: they close when their last
         * lease ends).
         */
        Entry withSpareUnloaded(List<Loaded> drained, int keep) {
            int target = rollbackTarget();
            TreeMap<Integer, Version> copy = new TreeMap<>(versions);
            boolean changed = false;
            for (Version v : versions.values()) {
                if (v.loaded != null && v.version != active && v.version != target && v.version != keep) {
                    drained.add(v.loaded);
                    copy.put(v.version, v.unloaded());
                    changed = true;
                }
            }
            return changed ? new Entry(copy, active, previous) : this;
        }

        Entry without(int version) {
            TreeMap<Integer, Version> copy = new TreeMap<>(versions);
            copy.remove(version);
            List<Integer> prev = new ArrayList<>(previous);
            prev.removeIf(p -> p == version);
            return new Entry(copy, active, prev);
        }
    }

    /** Immutable; replaced whole on every change. */
    private record Snapshot(Map<Key, Entry> entries) {
        Snapshot {
            entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
        }

        Snapshot with(Key key, Entry entry) {
            Map<Key, Entry> copy = new LinkedHashMap<>(entries);
            if (entry == null) {
                copy.remove(key);
            } else {
                copy.put(key, entry);
            }
            return new Snapshot(copy);
        }
    }

    private final Map<String, Integer> codecChannels;
    private final SessionConfig config;
    private final AdaptorRepository repository;
    private final AtomicReference<Snapshot> current = new AtomicReference<>(new Snapshot(Map.of()));
    private final Object mutations = new Object();
    private final ExecutorService loader;

    private PackRegistry(Map<String, Integer> codecChannels, SessionConfig config, AdaptorRepository repository) {
        this.codecChannels = Map.copyOf(codecChannels);
        this.config = config;
        this.repository = repository;
        this.loader = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "lic-adaptor-loader");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * A registry held in memory only: loads {@code packs} now; any pack failing validation fails the call
     * with INVALID_PACK (and nothing stays open). The newest version of each adaptor is active.
     *
     * @param codecChannels the loaded codec ids, each with its latent channel count {@code M}
     */
    public static PackRegistry inMemory(Map<String, Integer> codecChannels, SessionConfig config,
                                        List<PackSource> packs) {
        PackRegistry registry = new PackRegistry(codecChannels, config, null);
        List<Version> loaded = List.of();
        try {
            List<AdaptorPack.Identity> ids = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            for (PackSource source : packs) {
                AdaptorPack.Identity id = AdaptorPack.identify(source);
                registry.checkCodec(source, id);
                if (!seen.add(id.codecId() + "/" + id.name() + "/" + id.version())) {
                    throw new LicException(ErrorKind.INVALID_PACK, "pack " + source.describe() + ": adaptor "
                            + id.name() + " version " + id.version() + " is already loaded for its codec");
                }
                ids.add(id);
            }
            List<Supplier<Version>> loads = new ArrayList<>();
            for (int i = 0; i < ids.size(); i++) {
                Key key = new Key(ids.get(i).codecId(), ids.get(i).name());
                int version = ids.get(i).version();
                PackSource source = packs.get(i);
                loads.add(() -> registry.load(key, version, source));
            }
            loaded = loadAll(loads, packs.stream().map(PackSource::describe).toList());
            for (Version v : loaded) {
                if (v.state != State.READY) {
                    throw new LicException(ErrorKind.INVALID_PACK, v.reason);
                }
            }
            List<Version> ready = loaded;
            loaded = List.of(); // the registry holds them from here on (close() releases them)
            for (int i = 0; i < ids.size(); i++) {
                Key key = new Key(ids.get(i).codecId(), ids.get(i).name());
                Entry entry = registry.current.get().entries.get(key);
                Version v = ready.get(i);
                // Not through the version policy yet: no version is active until all are loaded.
                registry.current.set(registry.current.get().with(key, entry == null ? Entry.of(v) : entry.with(v)));
            }
            for (Map.Entry<Key, Entry> e : registry.current.get().entries.entrySet()) {
                Entry entry = e.getValue();
                registry.publish(e.getKey(), new Entry(entry.versions, entry.versions.lastKey(), List.of()));
            }
        } catch (RuntimeException e) {
            loaded.stream().filter(v -> v.loaded != null).forEach(v -> v.loaded.release()); // not handed over yet
            registry.close();
            throw e;
        }
        return registry;
    }

    /**
     * Runs the loads (sessions and self-test: most of a start-up's time) on up to one thread per core, since
     * versions load independently; their results in order. {@code what} names each for an error.
     */
    private static List<Version> loadAll(List<Supplier<Version>> loads, List<String> what) {
        if (loads.isEmpty()) {
            return List.of();
        }
        List<Future<Version>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(
                Math.min(loads.size(), Runtime.getRuntime().availableProcessors()))) {
            loads.forEach(load -> futures.add(pool.submit(load::get)));
        } // close() waits for every load
        for (Future<Version> f : futures) {
            if (f.state() != Future.State.SUCCESS) {
                // load() turns every failure into a FAILED version: only an interrupt (cancelled loads) is left
                futures.stream().filter(g -> g.state() == Future.State.SUCCESS && g.resultNow().loaded != null)
                        .forEach(g -> g.resultNow().loaded.release());
                throw new LicException(ErrorKind.INTERNAL, "interrupted while loading adaptor pack "
                        + what.get(futures.indexOf(f)));
            }
        }
        return futures.stream().map(Future::resultNow).toList();
    }

    /**
     * A registry over the filesystem repository {@code repository}. Each of {@code seeds} (the bundled or
     * configured packs) is copied in when the repository had no folder for its (codec id, name) at start,
     * so a fresh repository gets every seeded version of a name while one an operator manages (who may have
     * deleted a version on purpose) is left as it is; then
     * every stored version is loaded and validated. Failures are listed FAILED with the reason, never
     * thrown. The active version is the recorded one when it is READY, else the newest READY version.
     */
    public static PackRegistry open(Map<String, Integer> codecChannels, SessionConfig config,
                                    AdaptorRepository repository, List<PackSource> seeds) {
        PackRegistry registry = new PackRegistry(codecChannels, config, repository);
        try {
            Set<Key> seeding = new HashSet<>(); // names absent at start: all their seed versions go in
            for (PackSource source : seeds) {
                registry.seed(source, seeding);
            }
            registry.seenChangeTag = repository.changeTag();
            List<AdaptorRepository.StoredVersion> stored = new ArrayList<>();
            for (AdaptorRepository.StoredVersion s : repository.scan()) {
                if (codecChannels.containsKey(s.codecId())) {
                    stored.add(s);
                } else {
                    LOG.log(System.Logger.Level.WARNING, "adaptor repository: {0} reads codec {1}, which is not"
                            + " loaded; skipped", s.source().describe(), s.codecId());
                }
            }
            List<Version> versions = loadAll(stored.stream().<Supplier<Version>>map(s -> () -> registry.loadStored(
                            new Key(s.codecId(), s.name()), s.version(), s.source())).toList(),
                    stored.stream().map(s -> s.source().describe()).toList());
            Map<Key, Entry> entries = new LinkedHashMap<>();
            for (int i = 0; i < stored.size(); i++) {
                Key key = new Key(stored.get(i).codecId(), stored.get(i).name());
                Entry entry = entries.get(key);
                entries.put(key, entry == null ? Entry.of(versions.get(i)) : entry.with(versions.get(i)));
            }
            for (Map.Entry<Key, Entry> e : entries.entrySet()) {
                Key key = e.getKey();
                Entry entry = e.getValue();
                AdaptorRepository.ActiveRecord record = repository.readActive(key.codecId, key.name).orElse(null);
                int active = record != null && isReady(entry, record.active()) ? record.active() : newestReady(entry);
                List<Integer> previous = record == null ? List.of()
                        : record.previous().stream().filter(entry.versions::containsKey).toList();
                if (record != null && active != record.active()) {
                    LOG.log(System.Logger.Level.WARNING, "adaptor {0} of codec {1}: recorded active version {2} is"
                            + " not READY; version {3} serves", key.name, key.codecId, record.active(), active);
                }
                if (active != 0 && (record == null || active != record.active())) {
                    try {
                        repository.writeActive(key.codecId, key.name, new AdaptorRepository.ActiveRecord(active,
                                previous));
                    } catch (LicException lost) {
                        // Another server starting on the same store wrote the record first: take its choice.
                        AdaptorRepository.ActiveRecord theirs = lost.kind() != ErrorKind.CONFLICT ? null
                                : repository.readActive(key.codecId, key.name).orElse(null);
                        if (theirs == null || !isReady(entry, theirs.active())) {
                            throw lost;
                        }
                        active = theirs.active();
                        previous = theirs.previous().stream().filter(entry.versions::containsKey).toList();
                    }
                }
                registry.publish(key, new Entry(entry.versions, active, previous));
            }
        } catch (RuntimeException e) {
            registry.close();
            throw e;
        }
        return registry;
    }

    private void seed(PackSource source, Set<Key> seeding) {
        AdaptorPack.Identity id = AdaptorPack.identify(source);
        if (!codecChannels.containsKey(id.codecId())) {
            LOG.log(System.Logger.Level.WARNING, "adaptor pack {0} reads codec {1}, which is not loaded; not added",
                    source.describe(), id.codecId());
            return;
        }
        Key key = new Key(id.codecId(), id.name());
        if (!seeding.contains(key)) {
            if (repository.hasAdaptor(id.codecId(), id.name())) {
                return;
            }
            seeding.add(key);
        }
        Map<String, byte[]> files = new LinkedHashMap<>();
        List<String> names = new ArrayList<>(id.files());
        names.add("manifest.json");
        for (String name : names) {
            try {
                files.put(name, source.read(name));
            } catch (java.io.IOException e) {
                throw new LicException(ErrorKind.INVALID_PACK, "pack " + source.describe() + ": " + name
                        + " cannot be read (" + e.getClass().getSimpleName() + ")", e);
            }
        }
        try {
            repository.write(id.codecId(), id.name(), id.version(), files);
        } catch (LicException e) {
            if (e.kind() == ErrorKind.CONFLICT) {
                return; // another server starting on the same store seeded it first
            }
            throw e;
        }
        LOG.log(System.Logger.Level.INFO, "adaptor repository: added {0} as version {1} of {2}", source.describe(),
                id.version(), id.name());
    }

    private static boolean isReady(Entry entry, int version) {
        return isReady(entry.versions, version);
    }

    private static boolean isReady(Map<Integer, Version> versions, int version) {
        Version v = versions.get(version);
        return v != null && v.state == State.READY;
    }

    private static int newestReady(Entry entry) {
        return newestReady(entry.versions);
    }

    private static int newestReady(NavigableMap<Integer, Version> versions) {
        for (Version v : versions.descendingMap().values()) {
            if (v.state == State.READY) {
                return v.version;
            }
        }
        return 0;
    }

    // ---------------------------------------------------------------- requests

    /**
     * Takes a lease on version {@code version} of adaptor {@code name} for {@code codecId}; 0 means the
     * active version. Close it when the request is done.
     *
     * @throws LicException UNKNOWN_ADAPTOR when there is no such adaptor or the version is not READY
     */
    public AdaptorLease lease(String codecId, String name, int version) {
        for (;;) {
            Snapshot snapshot = current.get();
            Entry entry = snapshot.entries.get(new Key(codecId, name));
            if (entry == null || (version == 0 && entry.active == 0)) {
                throw new LicException(ErrorKind.UNKNOWN_ADAPTOR, "no adaptor " + (name == null ? "(none)"
                        : '"' + clip(name) + '"') + " is loaded for codec " + codecId);
            }
            int wanted = version == 0 ? entry.active : version;
            Version v = entry.versions.get(wanted);
            if (v == null || v.state != State.READY) {
                throw new LicException(ErrorKind.UNKNOWN_ADAPTOR, "adaptor \"" + name + "\" for codec " + codecId
                        + " has no READY version " + wanted + (v == null ? "" : " (it is " + v.state + ")"
                        + (v.reason.isEmpty() ? "" : ": " + v.reason)));
            }
            if (v.loaded == null) {
                ensureLoaded(new Key(codecId, name), wanted); // an unloaded spare version: load it again
                continue;
            }
            if (v.loaded.tryAcquire()) {
                return new AdaptorLease(v.loaded);
            }
            // It left the registry between our read and the acquire: the newer snapshot is published.
        }
    }

    /**
     * The task of the version {@link #lease} would take for these arguments (0 = the active version), without
     * taking or loading it; empty when there is none (the decode will fail with the reason).
     */
    public Optional<String> task(String codecId, String name, int version) {
        Entry entry = current.get().entries.get(new Key(codecId, name));
        if (entry == null) {
            return Optional.empty();
        }
        Version v = entry.versions.get(version == 0 ? entry.active : version);
        return v == null ? Optional.empty() : Optional.ofNullable(v.task);
    }

    /** Every adaptor with its versions, by codec id then name. */
    public List<AdaptorStatus> list() {
        List<AdaptorStatus> out = new ArrayList<>();
        current.get().entries.entrySet().stream()
                .sorted(Comparator.comparing((Map.Entry<Key, Entry> e) -> e.getKey().codecId)
                        .thenComparing(e -> e.getKey().name))
                .forEach(e -> out.add(new AdaptorStatus(e.getKey().codecId, e.getKey().name, e.getValue().active,
                        e.getValue().previous, e.getValue().versions.values().stream().map(Version::status).toList())));
        return out;
    }

    /** The codec ids this registry accepts adaptors for. */
    public java.util.Set<String> codecIds() {
        return codecChannels.keySet();
    }

    // ---------------------------------------------------------------- mutations

    /** {@link #register(Map, Expected, boolean, Executor)} on the registry's own loader thread. */
    public CompletableFuture<Registered> register(Map<String, byte[]> files, Expected expected, boolean activate) {
        return register(files, expected, activate, loader);
    }

    /**
     * Registers a pack given as files. Checked at once (thrown, nothing kept): the manifest names a valid
     * name, version and loaded codec id, matching {@code expected}; the version does not exist yet
     * (CONFLICT). Then the version is listed LOADING, stored, and loaded and validated on {@code loader};
     * the future completes with READY or FAILED (and the reason), never exceptionally for a bad pack. The
     * first READY version of a new adaptor becomes active; with {@code activate} this one does when READY.
     */
    public CompletableFuture<Registered> register(Map<String, byte[]> files, Expected expected, boolean activate,
                                                     Executor loader) {
        if (!files.containsKey("manifest.json")) {
            throw new LicException(ErrorKind.INVALID_PACK, "the pack has no manifest.json");
        }
        PackSource upload = PackSource.memory(files, "upload");
        AdaptorPack.Identity id = AdaptorPack.identify(upload);
        checkExpected(expected, id);
        checkCodec(upload, id);
        Key key = new Key(id.codecId(), id.name());
        String where = repository == null ? "upload" : repository.describe(key.codecId, key.name, id.version());
        synchronized (mutations) {
            Entry entry = current.get().entries.get(key);
            if (entry != null && entry.versions.containsKey(id.version())) {
                throw new LicException(ErrorKind.CONFLICT, "version " + id.version() + " of adaptor " + id.name()
                        + " for codec " + id.codecId() + " exists (" + entry.versions.get(id.version()).state
                        + "); delete it first or give the pack a new version");
            }
            Version loading = new Version(id.version(), State.LOADING, "", id.task(), where, null);
            publish(key, entry == null ? Entry.of(loading) : entry.with(loading));
        }
        CompletableFuture<Registered> done = new CompletableFuture<>();
        try {
            loader.execute(() -> {
                try {
                    done.complete(finishRegister(key, id.version(), files, upload, activate));
                } catch (Throwable t) {
                    done.completeExceptionally(t);
                }
            });
        } catch (RuntimeException e) {
            finish(key, new Version(id.version(), State.FAILED, "the loader is not running", id.task(), where, null),
                    false);
            throw new LicException(ErrorKind.INTERNAL, "the adaptor loader is not running", e);
        }
        return done;
    }

    private Registered finishRegister(Key key, int version, Map<String, byte[]> files, PackSource upload,
                                         boolean activate) {
        PackSource source = upload;
        if (repository != null) {
            try {
                source = repository.write(key.codecId, key.name, version, files);
            } catch (LicException e) {
                Version failed = new Version(version, State.FAILED, "cannot be stored: " + e.getMessage(), null,
                        upload.describe(), null);
                return finish(key, failed, false);
            }
        }
        return finish(key, load(key, version, source), activate);
    }

    /** Publishes the result of a load; a READY version becomes active when asked or when none is. */
    private Registered finish(Key key, Version v, boolean activate) {
        synchronized (mutations) {
            Entry entry = current.get().entries.get(key);
            if (entry == null || !entry.versions.containsKey(v.version) || closed) {
                if (v.loaded != null) {
                    v.loaded.release();
                }
                return new Registered(key.codecId, key.name, v.status(), entry == null ? 0 : entry.active);
            }
            Entry next = entry.with(v);
            if (v.state == State.READY && (activate || entry.active == 0)) {
                try {
                    next = switchTo(key, next, v.version);
                } catch (LicException e) {
                    publish(key, next); // READY, listed, not active: the activation lost to another server's
                    throw e;
                }
            }
            publish(key, next, v.version); // a new version stays loaded until the next change: Activate is instant
            LOG.log(System.Logger.Level.INFO, "adaptor {0} version {1} for codec {2}: {3}{4}", key.name, v.version,
                    key.codecId, v.state, v.reason.isEmpty() ? "" : " (" + v.reason + ")");
            return new Registered(key.codecId, key.name, v.status(), next.active);
        }
    }

    /**
     * Makes READY version {@code version} the one requests get by default.
     *
     * @throws LicException UNKNOWN_ADAPTOR (no such adaptor or version), CONFLICT (not READY)
     */
    public void activate(String codecId, String name, int version) {
        Key key = new Key(codecId, name);
        for (int attempt = 0; attempt < MAX_LOAD_ATTEMPTS; attempt++) {
            synchronized (mutations) {
                Entry entry = existing(key);
                Version v = entry.versions.get(version);
                if (v == null) {
                    throw new LicException(ErrorKind.UNKNOWN_ADAPTOR, "adaptor " + name + " for codec " + codecId
                            + " has no version " + version);
                }
                if (v.state != State.READY) {
                    throw new LicException(ErrorKind.CONFLICT, "version " + version + " of adaptor " + name + " is "
                            + v.state + (v.reason.isEmpty() ? "" : " (" + v.reason + ")") + "; only a READY version can"
                            + " be activated");
                }
                if (entry.active == version) {
                    return;
                }
                if (v.loaded != null) { // load new, switch pointer, drain old: never switch to an unloaded one
                    publish(key, switchTo(key, entry, version));
                    return;
                }
            }
            ensureLoaded(key, version); // outside the lock: requests and other mutations go on meanwhile
        }
        throw busy(key);
    }

    /**
     * Goes back to the version that was active before the current one (repeatable, down the history).
     *
     * @return the version now active
     * @throws LicException UNKNOWN_ADAPTOR, CONFLICT when no previous READY version is left
     */
    public int rollback(String codecId, String name) {
        Key key = new Key(codecId, name);
        for (int attempt = 0; attempt < MAX_LOAD_ATTEMPTS; attempt++) {
            int candidate;
            synchronized (mutations) {
                Entry entry = existing(key);
                candidate = entry.rollbackTarget();
                if (candidate == 0) {
                    throw new LicException(ErrorKind.CONFLICT, "adaptor " + name + " for codec " + codecId
                            + " has no previously active READY version to roll back to");
                }
                if (entry.versions.get(candidate).loaded != null) {
                    // Versions after the target in the history are no longer READY: drop them with it.
                    List<Integer> previous = new ArrayList<>(entry.previous.subList(0,
                            entry.previous.lastIndexOf(candidate)));
                    persistActive(key, candidate, previous);
                    publish(key, new Entry(entry.versions, candidate, previous));
                    return candidate;
                }
            }
            ensureLoaded(key, candidate); // the target is kept loaded; this is for one that failed to be
        }
        throw busy(key);
    }

    /** How often Activate and Rollback load an unloaded version again before giving up (another change won). */
    private static final int MAX_LOAD_ATTEMPTS = 5;

    private static LicException busy(Key key) {
        return new LicException(ErrorKind.CONFLICT, "adaptor " + key.name + " for codec " + key.codecId
                + " kept changing while its version was loaded; retry");
    }

    /** Serializes loads on demand, so that concurrent requests naming one unloaded version load it once. */
    private final Object reloading = new Object();

    /**
     * Loads an unloaded READY version again (validated again: hashes, graphs, self-test) and publishes it
     * loaded; it stays loaded until the next change of its adaptor applies the version policy. A version
     * that no longer validates becomes FAILED with the reason. Returns at once when the version is loaded,
     * gone or not READY: callers read the registry again.
     */
    private void ensureLoaded(Key key, int version) {
        synchronized (reloading) {
            Entry entry = current.get().entries.get(key);
            Version v = entry == null ? null : entry.versions.get(version);
            if (v == null || v.state != State.READY || v.loaded != null || closed) {
                return;
            }
            Version fresh = v.pack == null
                    ? new Version(version, State.FAILED, "its pack cannot be loaded again", v.task, v.source, null)
                    : load(key, version, v.pack);
            synchronized (mutations) {
                Entry now = current.get().entries.get(key);
                Version still = now == null ? null : now.versions.get(version);
                if (closed || still == null || still.state != State.READY || still.loaded != null) {
                    if (fresh.loaded != null) {
                        fresh.loaded.release();
                    }
                    return;
                }
                // Published as it is, not through the version policy, which would unload it again at once.
                current.set(current.get().with(key, now.with(fresh)));
            }
            LOG.log(System.Logger.Level.INFO, "adaptor {0} version {1} for codec {2}: loaded again on demand: {3}{4}",
                    key.name, version, key.codecId, fresh.state, fresh.reason.isEmpty() ? "" : " (" + fresh.reason + ")");
        }
    }

    /**
     * Deletes a version that is not active: it stops being listed and served at once; its sessions close
     * when the requests holding a lease on it end; its files are removed.
     *
     * @throws LicException UNKNOWN_ADAPTOR, CONFLICT (the active version, or one still LOADING)
     */
    public void delete(String codecId, String name, int version) {
        Key key = new Key(codecId, name);
        Loaded drained;
        synchronized (mutations) {
            Entry entry = existing(key);
            Version v = entry.versions.get(version);
            if (v == null) {
                throw new LicException(ErrorKind.UNKNOWN_ADAPTOR, "adaptor " + name + " for codec " + codecId
                        + " has no version " + version);
            }
            if (entry.active == version) {
                throw new LicException(ErrorKind.CONFLICT, "version " + version + " of adaptor " + name
                        + " is active; activate another version first");
            }
            if (v.state == State.LOADING) {
                throw new LicException(ErrorKind.CONFLICT, "version " + version + " of adaptor " + name
                        + " is still loading");
            }
            Entry next = entry.without(version);
            if (repository != null) {
                if (next.versions.isEmpty()) {
                    repository.deleteAdaptor(codecId, name);
                } else {
                    if (!next.previous.equals(entry.previous) && next.active != 0) {
                        repository.writeActive(codecId, name, new AdaptorRepository.ActiveRecord(next.active,
                                next.previous));
                    }
                    repository.delete(codecId, name, version);
                }
            }
            publish(key, next.versions.isEmpty() ? null : next);
            drained = v.loaded;
        }
        if (drained != null) {
            drained.release(); // the registry's reference: closes now, or when the last lease ends
        }
    }


    // ---------------------------------------------------------------- replicas

    /** The repository's change tag when this registry last matched it. */
    private volatile String seenChangeTag = "";

    /**
     * Brings this registry in line with its repository after another server sharing it (a replica) changed
     * it. One cheap read of the repository's change tag when nothing changed; otherwise the stored
     * versions are listed, new ones loaded and validated (outside the lock; requests go on), versions
     * deleted elsewhere dropped (their sessions close when their last lease ends), and each adaptor's
     * active version set from its record when that version is READY here. Called by one thread at a
     * time (the server's poller); local mutations may run meanwhile.
     *
     * @return whether the repository had changed since the last call
     */
    public boolean refresh() {
        if (repository == null || closed) {
            return false;
        }
        String tag = repository.changeTag();
        if (tag.equals(seenChangeTag)) {
            return false;
        }
        List<AdaptorRepository.StoredVersion> stored = repository.scan();
        Map<Key, List<AdaptorRepository.StoredVersion>> byKey = new LinkedHashMap<>();
        for (AdaptorRepository.StoredVersion sv : stored) {
            if (codecChannels.containsKey(sv.codecId())) {
                byKey.computeIfAbsent(new Key(sv.codecId(), sv.name()), k -> new ArrayList<>()).add(sv);
            }
        }
        // Load what is stored but not here, outside the lock.
        Snapshot before = current.get();
        Map<Key, List<Version>> loaded = new LinkedHashMap<>();
        for (Map.Entry<Key, List<AdaptorRepository.StoredVersion>> e : byKey.entrySet()) {
            Entry entry = before.entries.get(e.getKey());
            for (AdaptorRepository.StoredVersion sv : e.getValue()) {
                if (entry == null || !entry.versions.containsKey(sv.version())) {
                    loaded.computeIfAbsent(e.getKey(), k -> new ArrayList<>())
                            .add(loadStored(e.getKey(), sv.version(), sv.source()));
                }
            }
        }
        List<Loaded> drained = new ArrayList<>();
        Snapshot published;
        synchronized (mutations) {
            Snapshot start = current.get();
            if (closed) {
                loaded.values().forEach(list -> list.forEach(v -> {
                    if (v.loaded != null) {
                        v.loaded.release();
                    }
                }));
                return true;
            }
            java.util.Set<Key> keys = new java.util.LinkedHashSet<>(current.get().entries.keySet());
            keys.addAll(byKey.keySet());
            for (Key key : keys) {
                Entry entry = current.get().entries.get(key);
                TreeMap<Integer, Version> versions = new TreeMap<>(entry == null ? Map.of() : entry.versions);
                for (Version v : loaded.getOrDefault(key, List.of())) {
                    if (versions.putIfAbsent(v.version, v) != null && v.loaded != null) {
                        v.loaded.release(); // registered here meanwhile
                    }
                }
                java.util.Set<Integer> present = new java.util.HashSet<>();
                byKey.getOrDefault(key, List.of()).forEach(sv -> present.add(sv.version()));
                AdaptorRepository.ActiveRecord record = repository.readActive(key.codecId, key.name).orElse(null);
                int active = entry == null ? 0 : entry.active;
                List<Integer> previous = entry == null ? List.of() : entry.previous;
                if (record != null && isReady(versions, record.active())) {
                    active = record.active();
                    previous = record.previous().stream().filter(versions::containsKey).toList();
                }
                for (Version v : List.copyOf(versions.values())) {
                    boolean storedHere = v.source.equals(repository.describe(key.codecId, key.name, v.version));
                    if (!present.contains(v.version) && v.state != State.LOADING && storedHere && v.version != active) {
                        versions.remove(v.version);
                        if (v.loaded != null) {
                            drained.add(v.loaded);
                        }
                    }
                }
                if (!versions.containsKey(active) || versions.get(active).state != State.READY) {
                    active = newestReady(versions);
                }
                final int activeNow = active;
                previous = previous.stream().filter(p -> versions.containsKey(p) && p != activeNow).toList();
                Entry next = versions.isEmpty() ? null : new Entry(versions, active, previous);
                if (!java.util.Objects.equals(next, entry)) {
                    publish(key, next);
                }
            }
            published = current.get() == start ? null : current.get();
        }
        seenChangeTag = tag;
        drained.forEach(Loaded::release);
        // A version another server made active (or the rollback target) may be unloaded here: load it now,
        // not on the next request.
        for (Map.Entry<Key, Entry> e : current.get().entries.entrySet()) {
            for (int v : new int[] {e.getValue().active, e.getValue().rollbackTarget()}) {
                if (v != 0) {
                    ensureLoaded(e.getKey(), v);
                }
            }
        }
        if (published != null) {
            LOG.log(System.Logger.Level.INFO, "adaptor registry: took changes made by another server from the repository");
        }
        return true;
    }

    private volatile boolean closed;

    /** Stops the loader and drops the registry's references: sessions close as their last leases end. */
    @Override
    public void close() {
        List<Loaded> held = new ArrayList<>();
        synchronized (mutations) {
            if (closed) {
                return;
            }
            closed = true;
            current.get().entries.values().forEach(e -> e.versions.values().forEach(v -> {
                if (v.loaded != null) {
                    held.add(v.loaded);
                }
            }));
            current.set(new Snapshot(Map.of()));
        }
        loader.shutdownNow();
        held.forEach(Loaded::release);
    }

    // ---------------------------------------------------------------- internals

    private Entry existing(Key key) {
        Entry entry = current.get().entries.get(key);
        if (entry == null) {
            throw new LicException(ErrorKind.UNKNOWN_ADAPTOR, "no adaptor " + clip(key.name) + " for codec "
                    + key.codecId);
        }
        return entry;
    }

    /** The entry with {@code version} active, the old active pushed onto the history; persisted first. */
    private Entry switchTo(Key key, Entry entry, int version) {
        List<Integer> previous = new ArrayList<>(entry.previous);
        if (entry.active != 0) {
            previous.remove(Integer.valueOf(entry.active));
            previous.add(entry.active);
        }
        previous.remove(Integer.valueOf(version));
        persistActive(key, version, previous);
        return new Entry(entry.versions, version, previous);
    }

    private void persistActive(Key key, int active, List<Integer> previous) {
        if (repository != null) {
            repository.writeActive(key.codecId, key.name, new AdaptorRepository.ActiveRecord(active, previous));
        }
    }

    /**
     * Publishes a change of one adaptor, applying the version policy: every READY version other than the
     * active one and the rollback target lets go of its sessions (they close when their last lease ends).
     */
    private void publish(Key key, Entry entry) {
        publish(key, entry, 0);
    }

    /** As {@link #publish(Key, Entry)}, keeping version {@code keep} loaded too (one just registered). */
    private void publish(Key key, Entry entry, int keep) {
        List<Loaded> drained = new ArrayList<>();
        synchronized (mutations) {
            current.set(current.get().with(key, entry == null ? null : entry.withSpareUnloaded(drained, keep)));
        }
        drained.forEach(Loaded::release);
    }

    private void checkCodec(PackSource source, AdaptorPack.Identity id) {
        if (!codecChannels.containsKey(id.codecId())) {
            throw new LicException(ErrorKind.INVALID_PACK, "pack " + source.describe() + ": it reads codec "
                    + id.codecId() + ", which is not loaded");
        }
    }

    private static void checkExpected(Expected expected, AdaptorPack.Identity id) {
        if (expected == null) {
            return;
        }
        if (!expected.name().isEmpty() && !expected.name().equals(id.name())) {
            throw new LicException(ErrorKind.INVALID_ARGUMENT, "the request names adaptor " + clip(expected.name())
                    + " but the manifest says " + id.name());
        }
        if (expected.version() != 0 && expected.version() != id.version()) {
            throw new LicException(ErrorKind.INVALID_ARGUMENT, "the request names version " + expected.version()
                    + " but the manifest says " + id.version());
        }
        if (!expected.codecId().isEmpty() && !expected.codecId().equals(id.codecId())) {
            throw new LicException(ErrorKind.INVALID_ARGUMENT, "the request names codec " + clip(expected.codecId())
                    + " but the manifest says " + id.codecId());
        }
    }

    /** Loads a stored version, checking that its folder and its manifest agree on who it is. */
    private Version loadStored(Key key, int version, PackSource source) {
        try {
            AdaptorPack.Identity id = AdaptorPack.identify(source);
            if (!id.codecId().equals(key.codecId) || !id.name().equals(key.name) || id.version() != version) {
                return new Version(version, State.FAILED, "pack " + source.describe() + ": the manifest says "
                        + id.name() + " version " + id.version() + " for codec " + id.codecId()
                        + ", not what its folder says", id.task(), source.describe(), null);
            }
        } catch (LicException e) {
            return new Version(version, State.FAILED, e.getMessage(), null, source.describe(), null);
        }
        return load(key, version, source);
    }

    /**
     * Validation, LOADING to READY or FAILED: manifest schema and SHA-256 of every file, the codec is
     * loaded, a known task, the graphs load with the declared names, and the dry run (warm-up) on a latent
     * of the codec's {@code M} channels gives the task's output shape.
     */
    private Version load(Key key, int version, PackSource source) {
        TaskAdaptor adaptor = null;
        String task = null;
        try {
            AdaptorPack pack = AdaptorPack.load(source);
            task = pack.task();
            if (!pack.codecId().equals(key.codecId) || !pack.name().equals(key.name) || pack.version() != version) {
                throw new LicException(ErrorKind.INVALID_PACK, "pack " + source.describe()
                        + ": the manifest changed while it was registered");
            }
            Integer m = codecChannels.get(pack.codecId());
            if (m == null) {
                throw new LicException(ErrorKind.INVALID_PACK, "pack " + source.describe() + ": it reads codec "
                        + pack.codecId() + ", which is not loaded");
            }
            adaptor = AdaptorKind.of(task, "pack " + source.describe()).open(pack, config);
            adaptor.selfTest(m);
            return new Version(version, State.READY, "", task, source.describe(),
                    new Loaded(key.codecId, key.name, version, adaptor), source);
        } catch (LicException e) {
            if (adaptor != null) {
                adaptor.close();
            }
            return new Version(version, State.FAILED, e.getMessage(), task, source.describe(), null);
        } catch (RuntimeException | Error e) {
            if (adaptor != null) {
                adaptor.close();
            }
            LOG.log(System.Logger.Level.ERROR, "loading adaptor " + key.name + " version " + version + " failed", e);
            return new Version(version, State.FAILED, "internal error while loading (" + e.getClass().getSimpleName()
                    + ")", task, source.describe(), null);
        }
    }

    private static String clip(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }

    /** For tests and diagnostics: the number of READY versions holding sessions. */
    int loadedCount() {
        int[] n = {0};
        current.get().entries.values().forEach(e -> e.versions.values().forEach(v -> {
            if (v.loaded != null) {
                n[0]++;
            }
        }));
        return n[0];
    }
}
