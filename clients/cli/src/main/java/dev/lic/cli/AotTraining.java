package dev.lic.cli;

import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * The workload the build runs once under {@code -XX:AOTMode=record} (JDK 25+, clients/cli/pom.xml) to make
 * the AOT cache the {@code lic} launcher starts from: the classes a folder encode and decode load and link,
 * and the method profiles the JIT would otherwise gather again in every run. A few images are enough (4
 * Kodak images trained a cache as good as all 24, docs/benchmarks.md); they are drawn here so that the build
 * needs no data set. A failing command fails the build: a cache recorded on an error path would be useless.
 *
 * <p>Usage: {@code java -XX:AOTMode=record ... -cp lic-cli.jar dev.lic.cli.AotTraining WORK_DIR}
 */
public final class AotTraining {
    private static final int IMAGES = 4;
    private static final int WIDTH = 768;
    private static final int HEIGHT = 512;

    private AotTraining() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: AotTraining WORK_DIR");
        }
        Path work = Path.of(args[0]);
        Path images = Files.createDirectories(work.resolve("images"));
        for (int i = 0; i < IMAGES; i++) {
            ImageIO.write(drawImage(new Random(i)), "png", images.resolve("train-" + i + ".png").toFile());
        }
        String bitstreams = work.resolve("bitstreams").toString();
        String decoded = work.resolve("decoded").toString();
        run("encode", "--offline", images.toString(), "-o", bitstreams);
        run("decode", "--offline", bitstreams, "-o", decoded);
    }

    private static void run(String... args) {
        int code = Main.run(args);
        if (code != 0) {
            throw new IllegalStateException("lic " + String.join(" ", args) + " exited with " + code);
        }
    }

    /** Gradients, flat saturated shapes and a noisy region: smooth, sharp and textured content at once. */
    private static BufferedImage drawImage(Random random) {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setPaint(new GradientPaint(0, 0, randomColor(random), WIDTH, HEIGHT, randomColor(random)));
        g.fillRect(0, 0, WIDTH, HEIGHT);
        for (int s = 0; s < 24; s++) {
            g.setColor(randomColor(random));
            int x = random.nextInt(WIDTH), y = random.nextInt(HEIGHT);
            int w = 16 + random.nextInt(200), h = 16 + random.nextInt(200);
            if (random.nextBoolean()) {
                g.fillRect(x, y, w, h);
            } else {
                g.fillOval(x, y, w, h);
            }
        }
        g.dispose();
        int x0 = random.nextInt(WIDTH / 2), y0 = random.nextInt(HEIGHT / 2);
        for (int y = y0; y < y0 + HEIGHT / 2; y++) {
            for (int x = x0; x < x0 + WIDTH / 2; x++) {
                int v = random.nextInt(256);
                image.setRGB(x, y, (v << 16) | ((255 - v) << 8) | (v / 2));
            }
        }
        return image;
    }

    private static Color randomColor(Random random) {
        return Color.getHSBColor(random.nextFloat(), 0.5f + random.nextFloat() / 2, 0.3f + random.nextFloat() * 0.7f);
    }
}
