package io.gradflow.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.zoo.ZooModel;
import org.deeplearning4j.zoo.model.AlexNet;
import org.deeplearning4j.zoo.model.Darknet19;
import org.deeplearning4j.zoo.model.FaceNetNN4Small2;
import org.deeplearning4j.zoo.model.InceptionResNetV1;
import org.deeplearning4j.zoo.model.LeNet;
import org.deeplearning4j.zoo.model.ResNet50;
import org.deeplearning4j.zoo.model.SimpleCNN;
import org.deeplearning4j.zoo.model.SqueezeNet;
import org.deeplearning4j.zoo.model.TextGenerationLSTM;
import org.deeplearning4j.zoo.model.TinyYOLO;
import org.deeplearning4j.zoo.model.UNet;
import org.deeplearning4j.zoo.model.VGG16;
import org.deeplearning4j.zoo.model.VGG19;
import org.deeplearning4j.zoo.model.Xception;

/** Writes the configuration JSON of every DL4J 1.0.0-M2.1 zoo model into a folder (for benchmarks). */
public final class ZooConfigs {

    private ZooConfigs() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "target/bench/zoo");
        Files.createDirectories(dir);
        write(dir, "LeNet", LeNet.builder().numClasses(10).build());
        write(dir, "SimpleCNN", SimpleCNN.builder().numClasses(10).build());
        write(dir, "AlexNet", AlexNet.builder().numClasses(1000).build());
        write(dir, "VGG16", VGG16.builder().numClasses(1000).build());
        write(dir, "VGG19", VGG19.builder().numClasses(1000).build());
        write(dir, "ResNet50", ResNet50.builder().numClasses(1000).build());
        write(dir, "Darknet19", Darknet19.builder().numClasses(1000).build());
        write(dir, "TinyYOLO", TinyYOLO.builder().numClasses(20).build());
        write(dir, "UNet", UNet.builder().build());
        write(dir, "Xception", Xception.builder().numClasses(1000).build());
        write(dir, "SqueezeNet", SqueezeNet.builder().numClasses(1000).build());
        write(dir, "InceptionResNetV1", InceptionResNetV1.builder().numClasses(1000).build());
        write(dir, "FaceNetNN4Small2", FaceNetNN4Small2.builder().numClasses(1000).build());
        write(dir, "TextGenerationLSTM", TextGenerationLSTM.builder().totalUniqueCharacters(77)
                .inputShape(new int[] {40, 77}).build());
    }

    private static void write(Path dir, String name, ZooModel z) throws IOException {
        Object net = z.init();
        String json = net instanceof MultiLayerNetwork m ? m.getLayerWiseConfigurations().toJson()
                : ((ComputationGraph) net).getConfiguration().toJson();
        Files.writeString(dir.resolve(name + ".json"), json);
    }
}
