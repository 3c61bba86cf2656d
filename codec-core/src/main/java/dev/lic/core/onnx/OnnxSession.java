package dev.lic.core.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import dev.lic.core.Cancellation;
import dev.lic.core.CancelledException;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One ONNX Runtime session over a float32 graph, created once per pack and shared: {@link OrtSession#run}
 * is thread-safe. Creation checks that the graph's inputs are exactly the ones the pack names, all float,
 * and that it has the named outputs (a pack and graph that disagree are INVALID_PACK); runs check output
 * shapes.
 */
final class OnnxSession implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(OnnxSession.class.getName());

    private final OrtEnvironment env;
    private final OrtSession session;
    private final List<String> inputs;
    private final String what;
    private final boolean cuda;

    /**
     * A float input: its values and shape. A direct buffer in native order is fed to ONNX Runtime as it is;
     * any other is copied into a new direct buffer, which only the garbage collector frees.
     */
    record Input(FloatBuffer values, long[] shape) {
        Input(float[] values, long[] shape) {
            this(FloatBuffer.wrap(values), shape);
        }
    }

    /** A float output: its values and shape. */
    record Output(float[] values, long[] shape) {
    }

    /** @param inputs every input of the graph, the first being the main one */
    OnnxSession(byte[] graph, List<String> inputs, Set<String> outputs, SessionConfig config, String what) {
        this(graph, inputs, outputs, config, what, true);
    }

    /**
     * @param inputs every input of the graph, the first being the main one
     * @param memoryPattern let ONNX Runtime plan each input shape's memory as one block (its default). Off
     *     for a graph run many times on large inputs: the planned block comes on top of the arena's chunks
     *     from the first run, so the second run of one 896 x 896 encoder tile measured 2x the first's memory
     *     (1054 vs 638 MB peak RSS) and without the plan the peak stayed at the first run's (docs/memory.md)
     */
    OnnxSession(byte[] graph, List<String> inputs, Set<String> outputs, SessionConfig config, String what,
                boolean memoryPattern) {
        this.env = OrtEnvironment.getEnvironment();
        this.inputs = List.copyOf(inputs);
        this.what = what;
        OrtSession created = null;
        boolean withCuda = false;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setInterOpNumThreads(1);
            if (!memoryPattern) {
                options.setMemoryPatternOptimization(false);
            }
            if (config.intraOpThreads() > 0) {
                options.setIntraOpNumThreads(config.intraOpThreads());
            }
            if (config.intraOpThreads() != 1) {
                // Spinning worker threads burn the cores that concurrent requests need (and idle CPU).
                options.addConfigEntry("session.intra_op.allow_spinning", "0");
            }
            if (config.useCuda()) {
                withCuda = addCuda(options, what);
            }
            created = env.createSession(graph, options);
            checkInputs(created, inputs, what);
            for (String out : outputs) {
                if (!created.getOutputNames().contains(out)) {
                    throw new LicException(ErrorKind.INVALID_PACK, what + ": the graph has no output " + out
                            + " (it has " + created.getOutputNames() + ")");
                }
            }
        } catch (OrtException e) {
            closeQuietly(created);
            throw new LicException(ErrorKind.INVALID_PACK, what + ": ONNX Runtime cannot load the graph ("
                    + e.getMessage() + ")", e);
        } catch (RuntimeException e) {
            closeQuietly(created);
            throw e;
        }
        this.session = created;
        this.cuda = withCuda;
    }

    /** The graph's inputs must be exactly {@code names}, all float tensors: a run feeds each one. */
    private static void checkInputs(OrtSession session, List<String> names, String what) throws OrtException {
        Set<String> actual = session.getInputNames();
        for (String name : names) {
            if (!actual.contains(name)) {
                throw new LicException(ErrorKind.INVALID_PACK, what + ": the graph has no input " + name
                        + " (it has " + actual + ")");
            }
        }
        for (String name : actual) {
            if (!names.contains(name)) {
                throw new LicException(ErrorKind.INVALID_PACK, what + ": the graph has an input " + name
                        + " that the pack does not name (it names " + names + ")");
            }
        }
        Map<String, NodeInfo> info = session.getInputInfo();
        for (String name : names) {
            if (!(info.get(name).getInfo() instanceof TensorInfo t) || t.type != ai.onnxruntime.OnnxJavaType.FLOAT) {
                throw new LicException(ErrorKind.INVALID_PACK, what + ": input " + name + " is not a float tensor");
            }
        }
    }

    /** The declared shape of an input; {@code -1} where a dimension is symbolic. */
    long[] inputShape(String name) {
        try {
            return ((TensorInfo) session.getInputInfo().get(name).getInfo()).getShape();
        } catch (OrtException e) {
            throw new LicException(ErrorKind.INVALID_PACK, what + ": cannot read input " + name + " ("
                    + e.getMessage() + ")", e);
        }
    }

    private static boolean addCuda(OrtSession.SessionOptions options, String what) {
        if (!OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
            LOG.log(System.Logger.Level.INFO, "{0}: CUDA requested but this ONNX Runtime has no CUDA provider;"
                    + " running on the CPU", what);
            return false;
        }
        try {
            options.addCUDA(0);
            return true;
        } catch (OrtException e) {
            LOG.log(System.Logger.Level.INFO, "{0}: CUDA requested but not usable ({1}); running on the CPU", what,
                    e.getMessage());
            return false;
        }
    }

    /** Whether this session runs on the CUDA provider. */
    boolean usesCuda() {
        return cuda;
    }

    /** Runs a graph with one input and returns the named float outputs, in the order asked. */
    Output[] run(float[] values, long[] shape, String... outputs) {
        return run(List.of(new Input(values, shape)), Cancellation.NONE, outputs);
    }

    /** As {@link #run(float[], long[], String...)}, stopped early when {@code cancellation} fires. */
    Output[] run(float[] values, long[] shape, Cancellation cancellation, String... outputs) {
        return run(List.of(new Input(values, shape)), cancellation, outputs);
    }

    /** As {@link #run(List, Cancellation, String...)}, never cancelled. */
    Output[] run(List<Input> values, String... outputs) {
        return run(values, Cancellation.NONE, outputs);
    }

    /**
     * Runs with one value per input, in the order the session was created with, and returns the named float
     * outputs in the order asked. When {@code cancellation} fires during the run, ONNX Runtime is told to
     * terminate it (it stops between kernels) and the run ends with {@link CancelledException}.
     */
    Output[] run(List<Input> values, Cancellation cancellation, String... outputs) {
        cancellation.check(what);
        if (values.size() != inputs.size()) {
            throw new IllegalArgumentException(values.size() + " inputs given, the graph takes " + inputs.size());
        }
        Map<String, OnnxTensor> feed = new LinkedHashMap<>();
        try {
            for (int i = 0; i < values.size(); i++) {
                Input in = values.get(i);
                feed.put(inputs.get(i), OnnxTensor.createTensor(env, in.values().rewind(), in.shape()));
            }
            if (cancellation == Cancellation.NONE) {
                return run(feed, null, outputs);
            }
            try (Terminator terminator = new Terminator(); Cancellation.Registration r =
                    cancellation.onCancel(terminator::terminate)) {
                try {
                    return run(feed, terminator.options, outputs);
                } catch (LicException e) {
                    if (cancellation.isCancelled()) {
                        throw new CancelledException("cancelled by the caller during " + what);
                    }
                    throw e;
                }
            }
        } catch (OrtException e) {
            throw new LicException(ErrorKind.INTERNAL, what + ": ONNX Runtime run failed (" + e.getMessage() + ")", e);
        } finally {
            feed.values().forEach(OnnxTensor::close);
        }
    }

    /** The run options of one cancellable run; {@link #terminate} may come from any thread, until closed. */
    private static final class Terminator implements AutoCloseable {
        final OrtSession.RunOptions options;
        private boolean closed;

        Terminator() throws OrtException {
            this.options = new OrtSession.RunOptions();
        }

        synchronized void terminate() {
            if (!closed) {
                try {
                    options.setTerminate(true);
                } catch (OrtException e) {
                    LOG.log(System.Logger.Level.WARNING, "cannot terminate an ONNX Runtime run", e);
                }
            }
        }

        @Override
        public synchronized void close() {
            closed = true;
            options.close();
        }
    }

    private Output[] run(Map<String, OnnxTensor> feed, OrtSession.RunOptions runOptions, String... outputs) {
        Set<String> names = Set.of(outputs);
        try (OrtSession.Result result = runOptions == null ? session.run(feed, names)
                : session.run(feed, names, runOptions)) {
            Output[] out = new Output[outputs.length];
            for (int i = 0; i < outputs.length; i++) {
                OnnxValue value = result.get(outputs[i]).orElseThrow(() ->
                        new LicException(ErrorKind.INTERNAL, what + ": output missing from the run"));
                if (!(value instanceof OnnxTensor t) || t.getInfo().type != ai.onnxruntime.OnnxJavaType.FLOAT) {
                    throw new LicException(ErrorKind.INTERNAL, what + ": output " + outputs[i] + " is not a float tensor");
                }
                FloatBuffer buffer = t.getFloatBuffer();
                float[] data = new float[buffer.remaining()];
                buffer.get(data);
                out[i] = new Output(data, t.getInfo().getShape());
            }
            return out;
        } catch (OrtException e) {
            throw new LicException(ErrorKind.INTERNAL, what + ": ONNX Runtime run failed (" + e.getMessage() + ")", e);
        }
    }

    /** Checks that {@code shape} is {@code expected}; a graph that disagrees with its pack is INVALID_PACK. */
    void expectShape(String output, long[] shape, long... expected) {
        if (!Arrays.equals(shape, expected)) {
            throw new LicException(ErrorKind.INVALID_PACK, what + ": output " + output + " has shape "
                    + Arrays.toString(shape) + ", expected " + Arrays.toString(expected));
        }
    }

    @Override
    public void close() {
        closeQuietly(session);
    }

    private static void closeQuietly(OrtSession s) {
        if (s != null) {
            try {
                s.close();
            } catch (OrtException e) {
                LOG.log(System.Logger.Level.WARNING, "closing an ONNX Runtime session failed", e);
            }
        }
    }
}
