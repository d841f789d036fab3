package io.gradflow.reference;

import static io.gradflow.reference.KerasFunctional.conv;

import io.gradflow.reference.KerasFunctional.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Writes the reference architectures of {@code fixtures/reference/} as tf.keras 2.12
 * {@code model.to_json()} files, layer for layer as their reference implementation builds them
 * (untrained: the weights are not part of the question). Sources, each read for this file
 * (fixtures/reference/README.md gives the licences):
 *
 * <ul>
 *   <li>MobileNetV1: Howard et al. 2017, "MobileNets: Efficient Convolutional Neural Networks for
 *       Mobile Vision Applications", arXiv:1704.04861; keras.applications.mobilenet (alpha 1.0, 224).</li>
 *   <li>MobileNetV2: Sandler et al. 2018, "MobileNetV2: Inverted Residuals and Linear Bottlenecks",
 *       CVPR; keras.applications.mobilenet_v2 (alpha 1.0, 224).</li>
 *   <li>ResNet-18: He et al. 2016, "Deep Residual Learning for Image Recognition", CVPR (Table 1,
 *       basic blocks, projection shortcuts where the shape changes, as torchvision's resnet18);
 *       written with keras.applications.resnet's stem and layer settings.</li>
 *   <li>ResNet-50 V1: the same paper; keras.applications.resnet.ResNet50.</li>
 *   <li>ResNet-50 V2: He et al. 2016, "Identity Mappings in Deep Residual Networks", ECCV;
 *       keras.applications.resnet_v2.ResNet50V2.</li>
 *   <li>VGG16 with batch normalisation: Simonyan and Zisserman 2015, "Very Deep Convolutional
 *       Networks for Large-Scale Image Recognition", ICLR (configuration D), with Ioffe and Szegedy
 *       2015, "Batch Normalization", ICML, after each convolution as torchvision's vgg16_bn;
 *       keras.applications.vgg16 for the Keras layers.</li>
 *   <li>DenseNet-121: Huang et al. 2017, "Densely Connected Convolutional Networks", CVPR;
 *       keras.applications.densenet.DenseNet121.</li>
 *   <li>EfficientNet-B0: Tan and Le 2019, "EfficientNet: Rethinking Model Scaling for Convolutional
 *       Neural Networks", ICML; keras.applications.efficientnet.EfficientNetB0, without its input
 *       Rescaling and Normalization layers (see {@link #efficientNetB0}).</li>
 *   <li>InceptionV3: Szegedy et al. 2016, "Rethinking the Inception Architecture for Computer
 *       Vision", CVPR; keras.applications.inception_v3 (299x299).</li>
 *   <li>Xception: Chollet 2017, "Xception: Deep Learning with Depthwise Separable Convolutions",
 *       CVPR; keras.applications.xception (299x299).</li>
 *   <li>U-Net: Ronneberger et al. 2015, "U-Net: Convolutional Networks for Biomedical Image
 *       Segmentation", MICCAI (Figure 1: 572x572 input, unpadded convolutions, cropped skips, He
 *       initialisation as its section 3 prescribes), with batch normalisation after each 3x3
 *       convolution as it is commonly written in Keras (not in the paper).</li>
 * </ul>
 *
 * The keras.applications code followed is tf-keras (github.com/keras-team/tf-keras,
 * tf_keras/applications/, Apache-2.0), the tf.keras 2.x line. Nothing was copied: each builder
 * below calls the same layers with the same settings, in the same order.
 */
final class ReferenceModels {

    private ReferenceModels() {
    }

    /**
     * One reference architecture.
     *
     * @param file            its file name under fixtures/reference/
     * @param title           what the README calls it
     * @param publishedParams the parameter count its reference states, -1 where none does
     * @param build           builds it
     */
    record Reference(String file, String title, long publishedParams, Supplier<KerasFunctional> build) { }

    static final List<Reference> ALL = List.of(
            new Reference("mobilenet_v1.json", "MobileNetV1 (alpha 1.0, 224)", 4_253_864, ReferenceModels::mobileNetV1),
            new Reference("mobilenet_v2.json", "MobileNetV2 (alpha 1.0, 224)", 3_538_984, ReferenceModels::mobileNetV2),
            new Reference("resnet18.json", "ResNet-18 (V1)", 11_689_512, ReferenceModels::resNet18),
            new Reference("resnet50.json", "ResNet-50 (V1)", 25_636_712, ReferenceModels::resNet50),
            new Reference("resnet50_v2.json", "ResNet-50 V2 (pre-activation)", 25_613_800, ReferenceModels::resNet50V2),
            new Reference("vgg16_bn.json", "VGG16 with batch norm", 138_365_992, ReferenceModels::vgg16Bn),
            new Reference("densenet121.json", "DenseNet-121", 8_062_504, ReferenceModels::denseNet121),
            new Reference("efficientnet_b0.json", "EfficientNet-B0", 5_330_571, ReferenceModels::efficientNetB0),
            new Reference("inception_v3.json", "InceptionV3 (299)", 23_851_784, ReferenceModels::inceptionV3),
            new Reference("xception.json", "Xception (299)", 22_910_480, ReferenceModels::xception),
            new Reference("unet.json", "U-Net (572, with batch norm)", -1, ReferenceModels::uNet),
            new Reference("unet_paper.json", "U-Net (572, as published: no batch norm)", -1,
                    ReferenceModels::uNetPaper));

    /**
     * Text and sequence references (issue 19): gradflow must say nothing above a note about them
     * unless a measurement shows the problem. Sources in fixtures/reference/README.md.
     */
    static final List<Reference> SEQUENCE = List.of(
            new Reference("transformer_block.json", "Transformer encoder block (keras.io text classification)", -1,
                    ReferenceModels::transformerBlock),
            new Reference("bert_base.json", "BERT-base encoder (post-LN, 12 x 768, 12 heads)", 110_000_000,
                    ReferenceModels::bertBase),
            new Reference("bert_large.json", "BERT-large encoder (post-LN, 24 x 1024, 16 heads)", 340_000_000,
                    ReferenceModels::bertLarge),
            new Reference("vit_base.json", "ViT-Base/16 patch encoder (pre-LN, 12 x 768, 12 heads)", 86_000_000,
                    ReferenceModels::vitBase),
            new Reference("lstm_lm.json", "2-layer LSTM language model (Zaremba et al., medium)", -1,
                    ReferenceModels::lstmLanguageModel));

    /** Every reference, image and sequence. */
    static List<Reference> all() {
        return Stream.concat(ALL.stream(), SEQUENCE.stream()).toList();
    }

    /** Writes every reference file into {@code dir}. */
    static void writeAll(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (Reference r : all()) {
            Files.writeString(dir.resolve(r.file()), r.build().get().toJson(), StandardCharsets.UTF_8);
        }
    }

    // ---------------------------------------------------------------- MobileNetV1

    /** keras.applications.mobilenet.MobileNet(alpha=1.0, depth_multiplier=1, dropout=1e-3). */
    static KerasFunctional mobileNetV1() {
        KerasFunctional m = new KerasFunctional("mobilenet_1.00_224");
        Tensor x = m.input(224, 224, 3);
        x = m.conv2d(x, conv(32, 3).same().noBias().strides(2).name("conv1"));
        x = m.batchNorm(x, "conv1_bn");
        x = m.relu(x, 6.0, "conv1_relu");
        int[][] blocks = {{64, 1}, {128, 2}, {128, 1}, {256, 2}, {256, 1}, {512, 2}, {512, 1}, {512, 1}, {512, 1},
                {512, 1}, {512, 1}, {1024, 2}, {1024, 1}};
        for (int i = 0; i < blocks.length; i++) {
            int id = i + 1;
            int stride = blocks[i][1];
            if (stride != 1) {
                x = m.zeroPadding(x, 0, 1, 0, 1, "conv_pad_" + id);
            }
            x = m.depthwiseConv2d(x, conv(0, 3).padding(stride == 1 ? "same" : "valid").strides(stride).noBias()
                    .name("conv_dw_" + id));
            x = m.batchNorm(x, "conv_dw_" + id + "_bn");
            x = m.relu(x, 6.0, "conv_dw_" + id + "_relu");
            x = m.conv2d(x, conv(blocks[i][0], 1).same().noBias().name("conv_pw_" + id));
            x = m.batchNorm(x, "conv_pw_" + id + "_bn");
            x = m.relu(x, 6.0, "conv_pw_" + id + "_relu");
        }
        x = m.globalAvgPool(x, true, null);
        x = m.dropout(x, 1e-3, null, "dropout");
        x = m.conv2d(x, conv(1000, 1).same().name("conv_preds"));
        x = m.reshape(x, new long[] {1000}, "reshape_2");
        x = m.activation(x, "softmax", "predictions");
        m.output(x);
        return m;
    }

    // ---------------------------------------------------------------- MobileNetV2

    /** keras.applications.mobilenet_v2.MobileNetV2(alpha=1.0): 17 inverted residual blocks. */
    static KerasFunctional mobileNetV2() {
        KerasFunctional m = new KerasFunctional("mobilenetv2_1.00_224");
        Tensor x = m.input(224, 224, 3);
        x = m.conv2d(x, conv(32, 3).strides(2).same().noBias().name("Conv1"));
        x = m.batchNorm(x, "bn_Conv1", 1e-3, 0.999, true);
        x = m.relu(x, 6.0, "Conv1_relu");
        // filters, stride, expansion of blocks 0..16 (the paper's Table 2)
        int[][] blocks = {{16, 1, 1}, {24, 2, 6}, {24, 1, 6}, {32, 2, 6}, {32, 1, 6}, {32, 1, 6}, {64, 2, 6},
                {64, 1, 6}, {64, 1, 6}, {64, 1, 6}, {96, 1, 6}, {96, 1, 6}, {96, 1, 6}, {160, 2, 6}, {160, 1, 6},
                {160, 1, 6}, {320, 1, 6}};
        for (int id = 0; id < blocks.length; id++) {
            x = invertedResidual(m, x, blocks[id][0], blocks[id][1], blocks[id][2], id);
        }
        x = m.conv2d(x, conv(1280, 1).noBias().name("Conv_1"));
        x = m.batchNorm(x, "Conv_1_bn", 1e-3, 0.999, true);
        x = m.relu(x, 6.0, "out_relu");
        x = m.globalAvgPool(x, false, null);
        x = m.dense(x, 1000, "softmax", KerasFunctional.glorotUniform(), "predictions");
        m.output(x);
        return m;
    }

    private static Tensor invertedResidual(KerasFunctional m, Tensor inputs, int filters, int stride, int expansion,
                                           int id) {
        long in = inputs.channels();
        int pointwise = makeDivisible(filters, 8);
        String prefix = "block_" + id + "_";
        Tensor x = inputs;
        if (id != 0) {
            x = m.conv2d(x, conv(expansion * in, 1).same().noBias().name(prefix + "expand"));
            x = m.batchNorm(x, prefix + "expand_BN", 1e-3, 0.999, true);
            x = m.relu(x, 6.0, prefix + "expand_relu");
        } else {
            prefix = "expanded_conv_";
        }
        if (stride == 2) {
            int[] p = correctPad(x, 3);
            x = m.zeroPadding(x, p[0], p[1], p[2], p[3], prefix + "pad");
        }
        x = m.depthwiseConv2d(x, conv(0, 3).strides(stride).noBias().padding(stride == 1 ? "same" : "valid")
                .name(prefix + "depthwise"));
        x = m.batchNorm(x, prefix + "depthwise_BN", 1e-3, 0.999, true);
        x = m.relu(x, 6.0, prefix + "depthwise_relu");
        x = m.conv2d(x, conv(pointwise, 1).same().noBias().name(prefix + "project"));
        x = m.batchNorm(x, prefix + "project_BN", 1e-3, 0.999, true);
        if (in == pointwise && stride == 1) {
            return m.add(prefix + "add", inputs, x);
        }
        return x;
    }

    /** mobilenet_v2._make_divisible: the nearest multiple of {@code divisor}, never 10% below. */
    private static int makeDivisible(double v, int divisor) {
        int n = Math.max(divisor, (int) (v + divisor / 2.0) / divisor * divisor);
        return n < 0.9 * v ? n + divisor : n;
    }

    /** imagenet_utils.correct_pad: top, bottom, left, right zero padding before a strided valid conv. */
    private static int[] correctPad(Tensor x, int kernel) {
        int adjustH = 1 - (int) (x.height() % 2);
        int adjustW = 1 - (int) (x.width() % 2);
        int c = kernel / 2;
        return new int[] {c - adjustH, c, c - adjustW, c};
    }

    // ---------------------------------------------------------------- ResNets

    private static final double RESNET_EPS = 1.001e-5;

    /** keras.applications.resnet.ResNet's stem: 7x7/2 convolution (with bias), then 3x3/2 max pooling. */
    private static Tensor resNetStem(KerasFunctional m, Tensor x, boolean preact) {
        x = m.zeroPadding(x, 3, 3, 3, 3, "conv1_pad");
        x = m.conv2d(x, conv(64, 7).strides(2).name("conv1_conv"));
        if (!preact) {
            x = m.batchNorm(x, "conv1_bn", RESNET_EPS, 0.99, true);
            x = m.activation(x, "relu", "conv1_relu");
        }
        x = m.zeroPadding(x, 1, 1, 1, 1, "pool1_pad");
        return m.maxPool(x, 3, 2, "valid", "pool1_pool");
    }

    private static Tensor resNetHead(KerasFunctional m, Tensor x) {
        x = m.globalAvgPool(x, false, "avg_pool");
        return m.dense(x, 1000, "softmax", KerasFunctional.glorotUniform(), "predictions");
    }

    /**
     * ResNet-18: the paper's 18-layer column of Table 1 (two 3x3 convolutions per block, [2, 2, 2, 2]
     * blocks, a 1x1 projection where the shape changes, as torchvision's resnet18), with the stem,
     * batch normalisation (epsilon 1.001e-5) and convolution settings (bias, glorot_uniform) of
     * keras.applications' ResNet50, which has no 18-layer sibling.
     */
    static KerasFunctional resNet18() {
        KerasFunctional m = new KerasFunctional("resnet18");
        Tensor x = resNetStem(m, m.input(224, 224, 3), false);
        int[] filters = {64, 128, 256, 512};
        for (int s = 0; s < 4; s++) {
            for (int b = 1; b <= 2; b++) {
                int stride = s > 0 && b == 1 ? 2 : 1;
                x = basicBlock(m, x, filters[s], stride, "conv" + (s + 2) + "_block" + b);
            }
        }
        m.output(resNetHead(m, x));
        return m;
    }

    private static Tensor basicBlock(KerasFunctional m, Tensor x, int filters, int stride, String name) {
        Tensor shortcut = x;
        if (stride != 1 || x.channels() != filters) {
            shortcut = m.conv2d(x, conv(filters, 1).strides(stride).name(name + "_0_conv"));
            shortcut = m.batchNorm(shortcut, name + "_0_bn", RESNET_EPS, 0.99, true);
        }
        Tensor y = m.conv2d(x, conv(filters, 3).strides(stride).same().name(name + "_1_conv"));
        y = m.batchNorm(y, name + "_1_bn", RESNET_EPS, 0.99, true);
        y = m.activation(y, "relu", name + "_1_relu");
        y = m.conv2d(y, conv(filters, 3).same().name(name + "_2_conv"));
        y = m.batchNorm(y, name + "_2_bn", RESNET_EPS, 0.99, true);
        y = m.add(name + "_add", shortcut, y);
        return m.activation(y, "relu", name + "_out");
    }

    /** keras.applications.resnet.ResNet50: bottleneck blocks [3, 4, 6, 3], stride on the first 1x1. */
    static KerasFunctional resNet50() {
        KerasFunctional m = new KerasFunctional("resnet50");
        Tensor x = resNetStem(m, m.input(224, 224, 3), false);
        x = stack1(m, x, 64, 3, 1, "conv2");
        x = stack1(m, x, 128, 4, 2, "conv3");
        x = stack1(m, x, 256, 6, 2, "conv4");
        x = stack1(m, x, 512, 3, 2, "conv5");
        m.output(resNetHead(m, x));
        return m;
    }

    private static Tensor stack1(KerasFunctional m, Tensor x, int filters, int blocks, int stride1, String name) {
        x = block1(m, x, filters, stride1, true, name + "_block1");
        for (int i = 2; i <= blocks; i++) {
            x = block1(m, x, filters, 1, false, name + "_block" + i);
        }
        return x;
    }

    private static Tensor block1(KerasFunctional m, Tensor x, int filters, int stride, boolean convShortcut,
                                 String name) {
        Tensor shortcut = x;
        if (convShortcut) {
            shortcut = m.conv2d(x, conv(4L * filters, 1).strides(stride).name(name + "_0_conv"));
            shortcut = m.batchNorm(shortcut, name + "_0_bn", RESNET_EPS, 0.99, true);
        }
        Tensor y = m.conv2d(x, conv(filters, 1).strides(stride).name(name + "_1_conv"));
        y = m.batchNorm(y, name + "_1_bn", RESNET_EPS, 0.99, true);
        y = m.activation(y, "relu", name + "_1_relu");
        y = m.conv2d(y, conv(filters, 3).same().name(name + "_2_conv"));
        y = m.batchNorm(y, name + "_2_bn", RESNET_EPS, 0.99, true);
        y = m.activation(y, "relu", name + "_2_relu");
        y = m.conv2d(y, conv(4L * filters, 1).name(name + "_3_conv"));
        y = m.batchNorm(y, name + "_3_bn", RESNET_EPS, 0.99, true);
        y = m.add(name + "_add", shortcut, y);
        return m.activation(y, "relu", name + "_out");
    }

    /** keras.applications.resnet_v2.ResNet50V2: pre-activation blocks, stride on each stack's last block. */
    static KerasFunctional resNet50V2() {
        KerasFunctional m = new KerasFunctional("resnet50v2");
        Tensor x = resNetStem(m, m.input(224, 224, 3), true);
        x = stack2(m, x, 64, 3, 2, "conv2");
        x = stack2(m, x, 128, 4, 2, "conv3");
        x = stack2(m, x, 256, 6, 2, "conv4");
        x = stack2(m, x, 512, 3, 1, "conv5");
        x = m.batchNorm(x, "post_bn", RESNET_EPS, 0.99, true);
        x = m.activation(x, "relu", "post_relu");
        m.output(resNetHead(m, x));
        return m;
    }

    private static Tensor stack2(KerasFunctional m, Tensor x, int filters, int blocks, int stride1, String name) {
        x = block2(m, x, filters, 1, true, name + "_block1");
        for (int i = 2; i < blocks; i++) {
            x = block2(m, x, filters, 1, false, name + "_block" + i);
        }
        return block2(m, x, filters, stride1, false, name + "_block" + blocks);
    }

    private static Tensor block2(KerasFunctional m, Tensor x, int filters, int stride, boolean convShortcut,
                                 String name) {
        Tensor preact = m.batchNorm(x, name + "_preact_bn", RESNET_EPS, 0.99, true);
        preact = m.activation(preact, "relu", name + "_preact_relu");
        Tensor shortcut;
        if (convShortcut) {
            shortcut = m.conv2d(preact, conv(4L * filters, 1).strides(stride).name(name + "_0_conv"));
        } else {
            shortcut = stride > 1 ? m.maxPool(x, 1, stride, "valid", null) : x;
        }
        Tensor y = m.conv2d(preact, conv(filters, 1).noBias().name(name + "_1_conv"));
        y = m.batchNorm(y, name + "_1_bn", RESNET_EPS, 0.99, true);
        y = m.activation(y, "relu", name + "_1_relu");
        y = m.zeroPadding(y, 1, 1, 1, 1, name + "_2_pad");
        y = m.conv2d(y, conv(filters, 3).strides(stride).noBias().name(name + "_2_conv"));
        y = m.batchNorm(y, name + "_2_bn", RESNET_EPS, 0.99, true);
        y = m.activation(y, "relu", name + "_2_relu");
        y = m.conv2d(y, conv(4L * filters, 1).name(name + "_3_conv"));
        return m.add(name + "_out", shortcut, y);
    }

    // ---------------------------------------------------------------- VGG16 with batch norm

    /**
     * VGG16 (configuration D) with batch normalisation between each convolution and its ReLU and
     * dropout 0.5 after the first two fully connected layers, as torchvision's vgg16_bn (its batch
     * normalisation: epsilon 1e-5, PyTorch momentum 0.1, Keras's 0.9); layer names and initialisers
     * (glorot_uniform, zero bias) of keras.applications.vgg16.
     */
    static KerasFunctional vgg16Bn() {
        KerasFunctional m = new KerasFunctional("vgg16_bn");
        Tensor x = m.input(224, 224, 3);
        int[][] blocks = {{64, 2}, {128, 2}, {256, 3}, {512, 3}, {512, 3}};
        for (int b = 0; b < blocks.length; b++) {
            for (int c = 1; c <= blocks[b][1]; c++) {
                String name = "block" + (b + 1) + "_conv" + c;
                x = m.conv2d(x, conv(blocks[b][0], 3).same().name(name));
                x = m.batchNorm(x, name + "_bn", 1e-5, 0.9, true);
                x = m.activation(x, "relu", name + "_relu");
            }
            x = m.maxPool(x, 2, 2, "valid", "block" + (b + 1) + "_pool");
        }
        x = m.flatten(x, "flatten");
        x = m.dense(x, 4096, "relu", KerasFunctional.glorotUniform(), "fc1");
        x = m.dropout(x, 0.5, null, "fc1_dropout");
        x = m.dense(x, 4096, "relu", KerasFunctional.glorotUniform(), "fc2");
        x = m.dropout(x, 0.5, null, "fc2_dropout");
        x = m.dense(x, 1000, "softmax", KerasFunctional.glorotUniform(), "predictions");
        m.output(x);
        return m;
    }

    // ---------------------------------------------------------------- DenseNet-121

    /** keras.applications.densenet.DenseNet121: dense blocks [6, 12, 24, 16], growth 32, compression 0.5. */
    static KerasFunctional denseNet121() {
        KerasFunctional m = new KerasFunctional("densenet121");
        Tensor x = m.input(224, 224, 3);
        x = m.zeroPadding(x, 3, 3, 3, 3, null);
        x = m.conv2d(x, conv(64, 7).strides(2).noBias().name("conv1/conv"));
        x = m.batchNorm(x, "conv1/bn", RESNET_EPS, 0.99, true);
        x = m.activation(x, "relu", "conv1/relu");
        x = m.zeroPadding(x, 1, 1, 1, 1, null);
        x = m.maxPool(x, 3, 2, "valid", "pool1");
        int[] blocks = {6, 12, 24, 16};
        for (int i = 0; i < blocks.length; i++) {
            for (int b = 1; b <= blocks[i]; b++) {
                x = denseLayer(m, x, "conv" + (i + 2) + "_block" + b);
            }
            if (i < blocks.length - 1) {
                String name = "pool" + (i + 2);
                x = m.batchNorm(x, name + "_bn", RESNET_EPS, 0.99, true);
                x = m.activation(x, "relu", name + "_relu");
                x = m.conv2d(x, conv((long) (x.channels() * 0.5), 1).noBias().name(name + "_conv"));
                x = m.avgPool(x, 2, 2, "valid", name + "_pool");
            }
        }
        x = m.batchNorm(x, "bn", RESNET_EPS, 0.99, true);
        x = m.activation(x, "relu", "relu");
        m.output(resNetHead(m, x));
        return m;
    }

    /** densenet.conv_block: BN-ReLU-1x1 (4 x growth), BN-ReLU-3x3 (growth), concatenated to its input. */
    private static Tensor denseLayer(KerasFunctional m, Tensor x, String name) {
        Tensor y = m.batchNorm(x, name + "_0_bn", RESNET_EPS, 0.99, true);
        y = m.activation(y, "relu", name + "_0_relu");
        y = m.conv2d(y, conv(4 * 32, 1).noBias().name(name + "_1_conv"));
        y = m.batchNorm(y, name + "_1_bn", RESNET_EPS, 0.99, true);
        y = m.activation(y, "relu", name + "_1_relu");
        y = m.conv2d(y, conv(32, 3).same().noBias().name(name + "_2_conv"));
        return m.concatenate(3, name + "_concat", x, y);
    }

    // ---------------------------------------------------------------- EfficientNet-B0

    /** efficientnet.CONV_KERNEL_INITIALIZER. */
    private static Map<String, Object> effConvInit() {
        return KerasFunctional.varianceScaling(2.0, "fan_out", "truncated_normal");
    }

    /**
     * keras.applications.efficientnet.EfficientNetB0 (width and depth 1.0, dropout 0.2, drop-connect
     * 0.2, swish), without the Rescaling(1/255) and Normalization layers it puts in front of the
     * stem: they turn raw pixels into standardised inputs (the other models here leave that to
     * preprocess_input), gradflow's Keras reader does not know Normalization, and an unadapted one
     * (mean and variance null, weights=None) is the identity. They hold 7 of the 5,330,571
     * parameters Keras counts (mean, variance and count of the Normalization layer).
     */
    static KerasFunctional efficientNetB0() {
        KerasFunctional m = new KerasFunctional("efficientnetb0");
        Tensor x = m.input(224, 224, 3);
        int[] p = correctPad(x, 3);
        x = m.zeroPadding(x, p[0], p[1], p[2], p[3], "stem_conv_pad");
        x = m.conv2d(x, conv(32, 3).strides(2).noBias().init(effConvInit()).name("stem_conv"));
        x = m.batchNorm(x, "stem_bn");
        x = m.activation(x, "swish", "stem_activation");
        // kernel, repeats, filters in, filters out, expansion, stride (the paper's Table 1); SE ratio 0.25
        int[][] args = {{3, 1, 32, 16, 1, 1}, {3, 2, 16, 24, 6, 2}, {5, 2, 24, 40, 6, 2}, {3, 3, 40, 80, 6, 2},
                {5, 3, 80, 112, 6, 1}, {5, 4, 112, 192, 6, 2}, {3, 1, 192, 320, 6, 1}};
        double blocks = Arrays.stream(args).mapToInt(a -> a[1]).sum();
        int b = 0;
        for (int i = 0; i < args.length; i++) {
            int[] a = args[i];
            for (int j = 0; j < a[1]; j++) {
                int stride = j > 0 ? 1 : a[5];
                int in = j > 0 ? a[3] : a[2];
                x = mbConv(m, x, 0.2 * b / blocks, "block" + (i + 1) + (char) ('a' + j) + "_", in, a[3], a[0], stride,
                        a[4]);
                b++;
            }
        }
        x = m.conv2d(x, conv(1280, 1).same().noBias().init(effConvInit()).name("top_conv"));
        x = m.batchNorm(x, "top_bn");
        x = m.activation(x, "swish", "top_activation");
        x = m.globalAvgPool(x, false, "avg_pool");
        x = m.dropout(x, 0.2, null, "top_dropout");
        x = m.dense(x, 1000, "softmax", KerasFunctional.varianceScaling(1.0 / 3.0, "fan_out", "uniform"),
                "predictions");
        m.output(x);
        return m;
    }

    /** efficientnet.block: expand, depthwise, squeeze-and-excitation (Multiply), project, drop-connect and add. */
    private static Tensor mbConv(KerasFunctional m, Tensor inputs, double dropRate, String name, int filtersIn,
                                 int filtersOut, int kernel, int stride, int expand) {
        long filters = (long) filtersIn * expand;
        Tensor x = inputs;
        if (expand != 1) {
            x = m.conv2d(x, conv(filters, 1).same().noBias().init(effConvInit()).name(name + "expand_conv"));
            x = m.batchNorm(x, name + "expand_bn");
            x = m.activation(x, "swish", name + "expand_activation");
        }
        String padding = "same";
        if (stride == 2) {
            int[] p = correctPad(x, kernel);
            x = m.zeroPadding(x, p[0], p[1], p[2], p[3], name + "dwconv_pad");
            padding = "valid";
        }
        x = m.depthwiseConv2d(x, conv(0, kernel).strides(stride).padding(padding).noBias().init(effConvInit())
                .name(name + "dwconv"));
        x = m.batchNorm(x, name + "bn");
        x = m.activation(x, "swish", name + "activation");
        long filtersSe = Math.max(1, (long) (filtersIn * 0.25));
        Tensor se = m.globalAvgPool(x, false, name + "se_squeeze");
        se = m.reshape(se, new long[] {1, 1, filters}, name + "se_reshape");
        se = m.conv2d(se, conv(filtersSe, 1).same().activation("swish").init(effConvInit()).name(name + "se_reduce"));
        se = m.conv2d(se, conv(filters, 1).same().activation("sigmoid").init(effConvInit()).name(name + "se_expand"));
        x = m.multiply(name + "se_excite", x, se);
        x = m.conv2d(x, conv(filtersOut, 1).same().noBias().init(effConvInit()).name(name + "project_conv"));
        x = m.batchNorm(x, name + "project_bn");
        if (stride == 1 && filtersIn == filtersOut) {
            if (dropRate > 0) {
                x = m.dropout(x, dropRate, Arrays.asList(null, 1, 1, 1), name + "drop");
            }
            x = m.add(name + "add", x, inputs);
        }
        return x;
    }

    // ---------------------------------------------------------------- InceptionV3

    /** inception_v3.conv2d_bn: convolution without bias, batch norm without scale, ReLU; all names automatic. */
    private static Tensor conv2dBn(KerasFunctional m, Tensor x, long filters, int kh, int kw, int stride,
                                   String padding) {
        x = m.conv2d(x, KerasFunctional.conv(filters, kh, kw).strides(stride).padding(padding).noBias());
        x = m.batchNorm(x, null, 1e-3, 0.99, false);
        return m.activation(x, "relu", null);
    }

    private static Tensor conv2dBn(KerasFunctional m, Tensor x, long filters, int kh, int kw) {
        return conv2dBn(m, x, filters, kh, kw, 1, "same");
    }

    /** keras.applications.inception_v3.InceptionV3 at 299x299: mixed0..mixed10. */
    static KerasFunctional inceptionV3() {
        KerasFunctional m = new KerasFunctional("inception_v3");
        Tensor x = m.input(299, 299, 3);
        x = conv2dBn(m, x, 32, 3, 3, 2, "valid");
        x = conv2dBn(m, x, 32, 3, 3, 1, "valid");
        x = conv2dBn(m, x, 64, 3, 3);
        x = m.maxPool(x, 3, 2, "valid", null);
        x = conv2dBn(m, x, 80, 1, 1, 1, "valid");
        x = conv2dBn(m, x, 192, 3, 3, 1, "valid");
        x = m.maxPool(x, 3, 2, "valid", null);

        // mixed 0, 1, 2: 35 x 35 x 256, 288, 288
        for (int i = 0; i < 3; i++) {
            Tensor b1 = conv2dBn(m, x, 64, 1, 1);
            Tensor b5 = conv2dBn(m, x, 48, 1, 1);
            b5 = conv2dBn(m, b5, 64, 5, 5);
            Tensor b3 = conv2dBn(m, x, 64, 1, 1);
            b3 = conv2dBn(m, b3, 96, 3, 3);
            b3 = conv2dBn(m, b3, 96, 3, 3);
            Tensor bp = m.avgPool(x, 3, 1, "same", null);
            bp = conv2dBn(m, bp, i == 0 ? 32 : 64, 1, 1);
            x = m.concatenate(3, "mixed" + i, b1, b5, b3, bp);
        }

        // mixed 3: 17 x 17 x 768
        Tensor b3 = conv2dBn(m, x, 384, 3, 3, 2, "valid");
        Tensor b3d = conv2dBn(m, x, 64, 1, 1);
        b3d = conv2dBn(m, b3d, 96, 3, 3);
        b3d = conv2dBn(m, b3d, 96, 3, 3, 2, "valid");
        Tensor bp = m.maxPool(x, 3, 2, "valid", null);
        x = m.concatenate(3, "mixed3", b3, b3d, bp);

        // mixed 4, 5, 6, 7: 17 x 17 x 768, the 7x7 factorised into 1x7 and 7x1
        int[] width = {128, 160, 160, 192};
        for (int i = 0; i < 4; i++) {
            int w = width[i];
            Tensor b1 = conv2dBn(m, x, 192, 1, 1);
            Tensor b7 = conv2dBn(m, x, w, 1, 1);
            b7 = conv2dBn(m, b7, w, 1, 7);
            b7 = conv2dBn(m, b7, 192, 7, 1);
            Tensor b7d = conv2dBn(m, x, w, 1, 1);
            b7d = conv2dBn(m, b7d, w, 7, 1);
            b7d = conv2dBn(m, b7d, w, 1, 7);
            b7d = conv2dBn(m, b7d, w, 7, 1);
            b7d = conv2dBn(m, b7d, 192, 1, 7);
            Tensor p = m.avgPool(x, 3, 1, "same", null);
            p = conv2dBn(m, p, 192, 1, 1);
            x = m.concatenate(3, "mixed" + (4 + i), b1, b7, b7d, p);
        }

        // mixed 8: 8 x 8 x 1280
        Tensor r3 = conv2dBn(m, x, 192, 1, 1);
        r3 = conv2dBn(m, r3, 320, 3, 3, 2, "valid");
        Tensor r7 = conv2dBn(m, x, 192, 1, 1);
        r7 = conv2dBn(m, r7, 192, 1, 7);
        r7 = conv2dBn(m, r7, 192, 7, 1);
        r7 = conv2dBn(m, r7, 192, 3, 3, 2, "valid");
        Tensor rp = m.maxPool(x, 3, 2, "valid", null);
        x = m.concatenate(3, "mixed8", r3, r7, rp);

        // mixed 9, 10: 8 x 8 x 2048
        for (int i = 0; i < 2; i++) {
            Tensor b1 = conv2dBn(m, x, 320, 1, 1);
            Tensor s3 = conv2dBn(m, x, 384, 1, 1);
            Tensor s31 = conv2dBn(m, s3, 384, 1, 3);
            Tensor s32 = conv2dBn(m, s3, 384, 3, 1);
            s3 = m.concatenate(3, "mixed9_" + i, s31, s32);
            Tensor d = conv2dBn(m, x, 448, 1, 1);
            d = conv2dBn(m, d, 384, 3, 3);
            Tensor d1 = conv2dBn(m, d, 384, 1, 3);
            Tensor d2 = conv2dBn(m, d, 384, 3, 1);
            d = m.concatenate(3, null, d1, d2);
            Tensor p = m.avgPool(x, 3, 1, "same", null);
            p = conv2dBn(m, p, 192, 1, 1);
            x = m.concatenate(3, "mixed" + (9 + i), b1, s3, d, p);
        }
        x = m.globalAvgPool(x, false, "avg_pool");
        x = m.dense(x, 1000, "softmax", KerasFunctional.glorotUniform(), "predictions");
        m.output(x);
        return m;
    }

    // ---------------------------------------------------------------- Xception

    /** keras.applications.xception.Xception at 299x299: entry flow, 8 middle blocks, exit flow. */
    static KerasFunctional xception() {
        KerasFunctional m = new KerasFunctional("xception");
        Tensor x = m.input(299, 299, 3);
        x = m.conv2d(x, conv(32, 3).strides(2).noBias().name("block1_conv1"));
        x = m.batchNorm(x, "block1_conv1_bn");
        x = m.activation(x, "relu", "block1_conv1_act");
        x = m.conv2d(x, conv(64, 3).noBias().name("block1_conv2"));
        x = m.batchNorm(x, "block1_conv2_bn");
        x = m.activation(x, "relu", "block1_conv2_act");

        int[] entry = {128, 256, 728};
        for (int i = 0; i < entry.length; i++) {
            String block = "block" + (i + 2);
            Tensor residual = m.conv2d(x, conv(entry[i], 1).strides(2).same().noBias());
            residual = m.batchNorm(residual, null);
            if (i > 0) {
                x = m.activation(x, "relu", block + "_sepconv1_act");
            }
            x = m.separableConv2d(x, conv(entry[i], 3).same().noBias().name(block + "_sepconv1"));
            x = m.batchNorm(x, block + "_sepconv1_bn");
            x = m.activation(x, "relu", block + "_sepconv2_act");
            x = m.separableConv2d(x, conv(entry[i], 3).same().noBias().name(block + "_sepconv2"));
            x = m.batchNorm(x, block + "_sepconv2_bn");
            x = m.maxPool(x, 3, 2, "same", block + "_pool");
            x = m.add(null, x, residual);
        }

        for (int i = 0; i < 8; i++) {
            Tensor residual = x;
            String prefix = "block" + (i + 5);
            for (int c = 1; c <= 3; c++) {
                x = m.activation(x, "relu", prefix + "_sepconv" + c + "_act");
                x = m.separableConv2d(x, conv(728, 3).same().noBias().name(prefix + "_sepconv" + c));
                x = m.batchNorm(x, prefix + "_sepconv" + c + "_bn");
            }
            x = m.add(null, x, residual);
        }

        Tensor residual = m.conv2d(x, conv(1024, 1).strides(2).same().noBias());
        residual = m.batchNorm(residual, null);
        x = m.activation(x, "relu", "block13_sepconv1_act");
        x = m.separableConv2d(x, conv(728, 3).same().noBias().name("block13_sepconv1"));
        x = m.batchNorm(x, "block13_sepconv1_bn");
        x = m.activation(x, "relu", "block13_sepconv2_act");
        x = m.separableConv2d(x, conv(1024, 3).same().noBias().name("block13_sepconv2"));
        x = m.batchNorm(x, "block13_sepconv2_bn");
        x = m.maxPool(x, 3, 2, "same", "block13_pool");
        x = m.add(null, x, residual);

        x = m.separableConv2d(x, conv(1536, 3).same().noBias().name("block14_sepconv1"));
        x = m.batchNorm(x, "block14_sepconv1_bn");
        x = m.activation(x, "relu", "block14_sepconv1_act");
        x = m.separableConv2d(x, conv(2048, 3).same().noBias().name("block14_sepconv2"));
        x = m.batchNorm(x, "block14_sepconv2_bn");
        x = m.activation(x, "relu", "block14_sepconv2_act");
        m.output(resNetHead(m, x));
        return m;
    }

    // ---------------------------------------------------------------- U-Net

    /**
     * U-Net as in the paper's Figure 1: a 572x572x1 tile, two unpadded 3x3 convolutions per level
     * (here each followed by batch normalisation, then ReLU), 2x2 max pooling, 2x2 up-convolutions
     * halving the channels, the contracting path's map cropped and concatenated, and a 1x1
     * convolution to 2 classes with a pixel-wise softmax: 388x388x2. Initialisation: the paper's
     * Gaussian with standard deviation sqrt(2/N), N the fan-in (Keras's he_normal).
     */
    static KerasFunctional uNet() {
        return uNet("unet", true);
    }

    /**
     * U-Net exactly as the paper describes it: convolution then ReLU, no normalisation, and
     * drop-out (rate 0.5, as in the authors' Caffe model) at the end of the contracting path.
     */
    static KerasFunctional uNetPaper() {
        return uNet("unet_paper", false);
    }

    private static KerasFunctional uNet(String name0, boolean bn) {
        KerasFunctional m = new KerasFunctional(name0);
        Tensor x = m.input(572, 572, 1);
        int[] filters = {64, 128, 256, 512};
        Tensor[] skips = new Tensor[filters.length];
        for (int i = 0; i < filters.length; i++) {
            x = uNetPair(m, x, filters[i], "enc" + (i + 1), bn);
            skips[i] = x;
            x = m.maxPool(x, 2, 2, "valid", "enc" + (i + 1) + "_pool");
        }
        x = uNetPair(m, x, 1024, "bottom", bn);
        if (!bn) {
            x = m.dropout(x, 0.5, null, "bottom_dropout");
        }
        for (int i = filters.length - 1; i >= 0; i--) {
            String name = "dec" + (i + 1);
            Tensor up = m.conv2dTranspose(x, conv(filters[i], 2).strides(2).init(KerasFunctional.heNormal())
                    .name(name + "_upconv"));
            Tensor skip = skips[i];
            int crop = (int) (skip.height() - up.height()) / 2;
            skip = m.cropping(skip, crop, crop, crop, crop, name + "_crop");
            x = m.concatenate(3, name + "_concat", skip, up);
            x = uNetPair(m, x, filters[i], name, bn);
        }
        x = m.conv2d(x, conv(2, 1).activation("softmax").init(KerasFunctional.heNormal()).name("segmentation"));
        m.output(x);
        return m;
    }

    private static Tensor uNetPair(KerasFunctional m, Tensor x, int filters, String name, boolean bn) {
        for (int c = 1; c <= 2; c++) {
            if (bn) {
                x = m.conv2d(x, conv(filters, 3).init(KerasFunctional.heNormal()).name(name + "_conv" + c));
                x = m.batchNorm(x, name + "_bn" + c);
                x = m.activation(x, "relu", name + "_relu" + c);
            } else {
                x = m.conv2d(x, conv(filters, 3).activation("relu").init(KerasFunctional.heNormal())
                        .name(name + "_conv" + c));
            }
        }
        return x;
    }

    // ---------------------------------------------------------------- sequences (issue 19)

    /**
     * The transformer classifier of keras.io's "Text classification with Transformer" (Nandan
     * 2020): token and position embeddings (32 wide, 200 tokens, 20,000 words), one post-LN
     * TransformerBlock (MultiHeadAttention with 2 heads of key_dim 32, dropout 0.1, residual,
     * LayerNormalization(epsilon=1e-6); a feed-forward Dense(32, relu) then Dense(32), residual,
     * LayerNormalization), GlobalAveragePooling1D, Dropout, Dense(20, relu), Dropout, Dense(2,
     * softmax). The example's TokenAndPositionEmbedding layer adds an Embedding of the tokens to one
     * of the positions 0..199; here the positions come in as a second input.
     */
    static KerasFunctional transformerBlock() {
        KerasFunctional m = new KerasFunctional("transformer_classifier");
        Tensor tokens = m.input("tokens", "int32", 200);
        Tensor positions = m.input("positions", "int32", 200);
        Tensor x = m.add("token_and_position", m.embedding(tokens, 20_000, 32, "token_emb"),
                m.embedding(positions, 200, 32, "pos_emb"));
        x = postLnBlock(m, x, 2, 32, 32, "relu", 1e-6, 0.1, KerasFunctional.glorotUniform(), "block");
        x = m.globalAvgPool1d(x, "global_average_pooling1d");
        x = m.dropout(x, 0.1, null, "dropout_head1");
        x = m.dense(x, 20, "relu", KerasFunctional.glorotUniform(), "dense_head");
        x = m.dropout(x, 0.1, null, "dropout_head2");
        x = m.dense(x, 2, "softmax", KerasFunctional.glorotUniform(), "classifier");
        m.output(x);
        return m;
    }

    /**
     * A post-LN encoder block as Vaswani et al. 2017 and the keras.io example write it:
     * x = LN(x + Dropout(MHA(x, x))); x = LN(x + Dropout(Dense(Dense(x, act)))).
     */
    private static Tensor postLnBlock(KerasFunctional m, Tensor x, int heads, int keyDim, long ff, String act,
                                      double eps, double drop, Map<String, Object> init, String p) {
        Tensor a = m.multiHeadAttention(x, heads, keyDim, drop, init, p + "_attention");
        a = m.dropout(a, drop, null, p + "_attention_dropout");
        x = m.layerNorm(m.add(p + "_attention_add", x, a), eps, p + "_attention_norm");
        Tensor f = m.dense(x, ff, act, init, p + "_ffn_inner");
        f = m.dense(f, x.channels(), "linear", init, p + "_ffn_outer");
        f = m.dropout(f, drop, null, p + "_ffn_dropout");
        return m.layerNorm(m.add(p + "_ffn_add", x, f), eps, p + "_ffn_norm");
    }

    /**
     * BERT-base (Devlin et al. 2019, "BERT: Pre-training of Deep Bidirectional Transformers for
     * Language Understanding", NAACL: L=12, H=768, A=12, 110M parameters), its encoder as Google's
     * reference and keras-nlp's BertBackbone build it: word (30,522), position (512) and segment
     * (2) embeddings summed, LayerNormalization(epsilon=1e-12), dropout 0.1, 12 post-LN blocks with
     * a GELU feed-forward of 3,072, every kernel TruncatedNormal(stddev=0.02). The pooler and the
     * pre-training heads are left out: the encoder's sequence output ends the model (a per-token
     * head would follow it); 128 tokens, the pre-training length of most steps.
     */
    static KerasFunctional bertBase() {
        return bert("bert_base", 12, 768, 12, 3072);
    }

    /**
     * BERT-large (the same paper: L=24, H=1024, A=16, 340M parameters), built as {@link #bertBase}:
     * the 24-layer transformer of the lint-time benchmark (scripts/bench-lint.sh).
     */
    static KerasFunctional bertLarge() {
        return bert("bert_large", 24, 1024, 16, 4096);
    }

    private static KerasFunctional bert(String name, int layers, long hidden, int heads, long ff) {
        KerasFunctional m = new KerasFunctional(name);
        int tokens = 128;
        Tensor ids = m.input("token_ids", "int32", tokens);
        Tensor pos = m.input("position_ids", "int32", tokens);
        Tensor seg = m.input("segment_ids", "int32", tokens);
        Map<String, Object> init = KerasFunctional.truncatedNormal(0.02);
        Tensor x = m.add("embeddings_add", m.embedding(ids, 30_522, hidden, "token_embedding"),
                m.embedding(pos, 512, hidden, "position_embedding"), m.embedding(seg, 2, hidden, "segment_embedding"));
        x = m.layerNorm(x, 1e-12, "embeddings_layer_norm");
        x = m.dropout(x, 0.1, null, "embeddings_dropout");
        for (int i = 0; i < layers; i++) {
            x = postLnBlock(m, x, heads, (int) (hidden / heads), ff, "gelu", 1e-12, 0.1, init, "transformer_layer_" + i);
        }
        m.output(x);
        return m;
    }

    /**
     * ViT-Base/16 (Dosovitskiy et al. 2021, "An Image is Worth 16x16 Words: Transformers for Image
     * Recognition at Scale", ICLR: 12 layers, hidden 768, MLP 3,072, 12 heads, 86M parameters) as
     * keras.io's "Image classification with Vision Transformer" writes its encoder: 16x16 patches
     * projected to 768 (a strided Conv2D, as the paper's hybrid-free "linear projection of flattened
     * patches"), learned position embeddings added (an Embedding of positions 0..195, the example's
     * PatchEncoder), 12 pre-LN blocks (LayerNormalization(epsilon=1e-6), MultiHeadAttention, residual;
     * LayerNormalization, Dense(3072, gelu), Dense(768), residual: the paper's MLP, whose second
     * layer is linear where the example applies GELU to both), a final LayerNormalization, the patch tokens averaged
     * (the paper's class token is a custom layer; its appendix D.3 reports average pooling works as
     * well) and a 1,000-way softmax. Glorot initialisation, Keras's default.
     */
    static KerasFunctional vitBase() {
        KerasFunctional m = new KerasFunctional("vit_base_16");
        Tensor img = m.input("image", "float32", 224, 224, 3);
        Tensor pos = m.input("patch_positions", "int32", 196);
        Tensor x = m.conv2d(img, conv(768, 16).strides(16).name("patch_projection"));
        x = m.reshape(x, new long[] {196, 768}, "patches");
        x = m.add("patch_encoding", x, m.embedding(pos, 196, 768, "position_embedding"));
        Map<String, Object> init = KerasFunctional.glorotUniform();
        for (int i = 0; i < 12; i++) {
            String p = "encoder_" + i;
            Tensor h = m.layerNorm(x, 1e-6, p + "_norm1");
            h = m.multiHeadAttention(h, 12, 64, 0.1, init, p + "_attention");
            x = m.add(p + "_add1", h, x);
            h = m.layerNorm(x, 1e-6, p + "_norm2");
            h = m.dense(h, 3072, "gelu", init, p + "_mlp1");
            h = m.dropout(h, 0.1, null, p + "_mlp_dropout1");
            h = m.dense(h, 768, "linear", init, p + "_mlp2");
            h = m.dropout(h, 0.1, null, p + "_mlp_dropout2");
            x = m.add(p + "_add2", h, x);
        }
        x = m.layerNorm(x, 1e-6, "encoder_norm");
        x = m.globalAvgPool1d(x, "token_pool");
        x = m.dense(x, 1000, "softmax", init, "predictions");
        m.output(x);
        return m;
    }

    /**
     * The "medium" LSTM language model of Zaremba, Sutskever and Vinyals 2014, "Recurrent Neural
     * Network Regularization", arXiv:1409.2329 (Penn Treebank: 10,000 words, 2 layers of 650 units
     * unrolled over 35 steps, dropout 0.5 on the non-recurrent connections, a softmax over the
     * vocabulary at every step), written with Keras's LSTM defaults (orthogonal recurrent weights,
     * Glorot input weights, unit_forget_bias) as the Keras ports of it are.
     */
    static KerasFunctional lstmLanguageModel() {
        KerasFunctional m = new KerasFunctional("lstm_language_model");
        Tensor ids = m.input("tokens", "int32", 35);
        Tensor x = m.embedding(ids, 10_000, 650, "embedding");
        x = m.dropout(x, 0.5, null, "dropout_embedding");
        x = m.lstm(x, 650, true, "lstm_1");
        x = m.dropout(x, 0.5, null, "dropout_1");
        x = m.lstm(x, 650, true, "lstm_2");
        x = m.dropout(x, 0.5, null, "dropout_2");
        x = m.dense(x, 10_000, "softmax", KerasFunctional.glorotUniform(), "next_word");
        m.output(x);
        return m;
    }
}
