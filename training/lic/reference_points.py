"""Published Kodak rate-distortion points of CompressAI's pretrained models (MSE-optimised, qualities 1-8).

Facts quoted as data, with their source: InterDigitalInc/CompressAI, results/image/kodak/ (Apache-2.0
repository). Each curve is the mean over the 24 Kodak images of the bpp (real entropy-coded strings,
"Inference (ans)" — the string bytes only, no container header), the RGB PSNR (dB) and the RGB MS-SSIM
that CompressAI's `compressai.utils.eval_model` measured. The files of the two commits below carry the
same numbers; the later one names the keys "psnr-rgb"/"ms-ssim-rgb" instead of "psnr"/"ms-ssim".
The "_cuda" variants of these files differ only in the last digits of PSNR/MS-SSIM (< 1e-4 dB).

These models: bmshj2018-hyperprior (Balle et al. 2018, scale hyperprior; N=128, M=192 for q1-5,
N=192, M=320 for q6-8) and mbt2018-mean (Minnen et al. 2018 mean-scale hyperprior without the
context model, i.e. the architecture class of our codec; N=128, M=192 for q1-4, N=192, M=320 for q5-8).
MSE lambdas of qualities 1-8: 0.0018, 0.0035, 0.0067, 0.0130, 0.0250, 0.0483, 0.0932, 0.1800.
"""

SOURCE_REPO = "InterDigitalInc/CompressAI"

COMPRESSAI_LAMBDAS = (0.0018, 0.0035, 0.0067, 0.0130, 0.0250, 0.0483, 0.0932, 0.1800)

REFERENCE_CURVES = {
    "compressai-bmshj2018-hyperprior": {
        "label": "bmshj2018-hyperprior (CompressAI, published)",
        "source": {
            "repo": SOURCE_REPO,
            "path": "results/image/kodak/compressai-bmshj2018-hyperprior_mse_cpu.json",
            "commit": "128f00397509b9882aaaeea49f43f1714da083b4",
            "description": "Inference (ans)",
        },
        "quality": [1, 2, 3, 4, 5, 6, 7, 8],
        "bpp": [
            0.13129340277777776, 0.20889282226562503, 0.3198581271701389, 0.47835625542534727,
            0.6686842176649304, 0.9388258192274304, 1.2591722276475694, 1.6602240668402775,
        ],
        "psnr": [
            27.58153679333392, 29.19669412138477, 30.972168705499175, 32.838191117040694,
            34.5262427611008, 36.74336461762285, 38.58385584443213, 40.55687370015212,
        ],
        "ms_ssim": [
            0.9173671156167984, 0.9420618464549383, 0.9610564212004343, 0.9748740047216415,
            0.9835608204205831, 0.9892508039871851, 0.9928662578264872, 0.9954901412129402,
        ],
    },
    "compressai-mbt2018-mean": {
        "label": "mbt2018-mean (CompressAI, published)",
        "source": {
            "repo": SOURCE_REPO,
            "path": "results/image/kodak/compressai-mbt2018-mean_mse_cpu.json",
            "commit": "3d3c9bbd92989b1cf19e122281161f7aac8ee769",
            "also_at": "128f00397509b9882aaaeea49f43f1714da083b4 (same numbers, keys psnr/ms-ssim)",
            "description": "Inference (ans)",
        },
        "quality": [1, 2, 3, 4, 5, 6, 7, 8],
        "bpp": [
            0.12392171223958336, 0.19798109266493058, 0.3072441948784722, 0.46061197916666674,
            0.6616651746961806, 0.9144049750434027, 1.2342088487413194, 1.619089762369792,
        ],
        "psnr": [
            27.699472968534337, 29.358805876639696, 31.128916719551516, 32.95067527714903,
            34.96831704422008, 36.91109403854906, 38.83750942961362, 40.63331397919807,
        ],
        "ms_ssim": [
            0.9178414369622866, 0.9430568714936575, 0.9614850729703903, 0.9752046962579092,
            0.983576275408268, 0.9892503147323927, 0.993048628171285, 0.9953488285342852,
        ],
    },
}
