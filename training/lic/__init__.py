"""Training toolkit and Python reference implementation of the learned image codec.

Modules:
    layers      GDN and conv helpers used by the transforms.
    entropy     factorized density model (z) and Gaussian conditional (y) for training.
    model       the mean-scale hyperprior (g_a, h_a, h_s, g_s).
    data        random-crop photo dataset.
    train       rate-distortion training with checkpoint save/resume.
    export      codec and adaptor pack writer (ONNX, integer hyper-synthesis, CDF tables).
    rans        reference rANS coder, byte-compatible with the Java coder.
    tables      quantised CDF tables (z factorized, y Gaussian), scale thresholds, entropy_tables.bin.
    inthyper    integer hyper-synthesis (numpy), bit-identical with the Java one; PTQ of h_s.
    bitstream   container format (docs/bitstream.md).
    pack        codec/adaptor pack readers, codec id.
    codec       reference encoder/decoder built from the pieces above.
    errors      the error kinds of docs/errors.md as exceptions.
    evaluate    Kodak evaluation with real bitstreams.
    make_test_pack, make_test_vectors   regenerate testvectors/.
"""
