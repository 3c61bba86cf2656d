package dev.lic.core.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.lic.core.ErrorKind;
import dev.lic.core.LicException;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/**
 * One ONNX Runtime session over a float32 graph with a single input, created once per pack and shared:
 * {@link OrtSession#run} is thread-safe. Creation checks the graph's input and output names (a pack
 * naming tensors its graph lacks is INVALID_PACK); runs check output shapes.
 */
final class OnnxSession implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(OnnxSession.class.getName());

    private final OrtEnvironment env;
    private final OrtSession session;
    private final String input;
    private final String what;
    private final boolean cuda;

    /** A float output: its values and shape. */
    record Output(float[] values, long[] shape) {
    }

    OnnxSession(byte[] graph, String input, Set<String> outputs, SessionConfig config, String what) {
        this.env = OrtEnvironment.getEnvironment();
        this.input = input;
        this.what = what;
        OrtSession created = null;
        boolean withCuda = false;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setInterOpNumThreads(1);
            if (config.intraOpThreads() > 0) {
                options.setIntraOpNumThreads(config.intraOpThreads());
            }
            if (config.useCuda()) {
                withCuda = addCuda(options, what);
            }
            created = env.createSession(graph, options);
            Set<String> inputs = created.getInputNames();
            if (!inputs.contains(input)) {
                throw new LicException(ErrorKind.INVALID_PACK, what + ": the graph has no input " + input
                        + " (it has " + inputs + ")");
            }
            for (String out : outputs) {
                if (!created.getOutputNames().contains(out)) {
                    throw new LicException(ErrorKind.INVALID_PACK, what + ": the graph has no output " + out
                            + " (it has " + created.getOutputNames() + ")");
                }
            }
            NodeInfo info = created.getInputInfo().get(input);
            if (!(info.getInfo() instanceof TensorInfo t) || t.type != ai.onnxruntime.OnnxJavaType.FLOAT) {
                throw new LicException(ErrorKind.INVALID_PACK, what + ": input " + input + " is not a float tensor");
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

    /** Runs with a {@code [1, c, h, w]} input and returns the named float outputs, in the order asked. */
    Output[] run(float[] values, long[] shape, String... outputs) {
        try (OnnxTensor tensor = OnnxTensor.createTensor(env, FloatBuffer.wrap(values), shape);
             OrtSession.Result result = session.run(Map.of(input, tensor), Set.of(outputs))) {
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
