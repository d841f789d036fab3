package io.gradflow.repo;

import static org.assertj.core.api.Assertions.assertThat;

import io.gradflow.cli.CliRunner;
import java.nio.file.Files;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * gradflow dropped into a repository laid out like most ML repositories ({@code fixtures/repo}):
 * {@code gradflow lint .} reads the models and fails on their findings alone. Data files,
 * weights-only checkpoints, settings files and package manifests are skipped and counted; virtual
 * environments, node_modules and what .gitignore ignores are not walked (each of them holds a
 * broken file that would otherwise stop the run).
 */
class RepoFixtureTest {

    static final String REPO = RepoFixture.ROOT.toString();

    @BeforeAll
    static void binaries() {
        if (Boolean.getBoolean("gradflow.regenerate")) {
            RepoFixture.write(RepoFixture.ROOT);
        }
        for (String b : RepoFixture.BINARIES) {
            assertThat(RepoFixture.ROOT.resolve(b)).as("regenerate with -Dgradflow.regenerate=true").exists();
        }
    }

    @Test
    void lintingTheWholeRepositoryFailsOnFindingsOnly() {
        CliRunner.Result r = CliRunner.run("lint", REPO);
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
        assertThat(r.out()).contains("models/deep-tanh.gflow:").contains("[GF004]")
                .doesNotContain("not readable").doesNotContain("venv").doesNotContain("node_modules")
                .doesNotContain("checkpoints");
        // the models, and the files that are not models, counted
        assertThat(r.out()).contains("gradflow: 5 models").contains("5 other files skipped (not models)");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void verboseSaysWhichFilesWereSkippedAndWhy() {
        CliRunner.Result r = CliRunner.run("lint", "-v", REPO);
        assertThat(r.err())
                .contains("gradflow: skipped " + REPO + "/data/train_images.h5: an HDF5 file, but not a Keras model")
                .contains("gradflow: skipped " + REPO + "/data/dataset.zip: zip archive holds neither")
                .contains("gradflow: skipped " + REPO + "/data/labels.json: JSON file is not a model")
                .contains("gradflow: skipped " + REPO + "/package.json")
                .contains("gradflow: skipped " + REPO + "/tsconfig.json: JSON with comments");
    }

    @Test
    void gitignoredCheckpointsAreNotWalkedUnlessAsked() {
        assertThat(Files.exists(RepoFixture.ROOT.resolve(".gitignore"))).isTrue();
        CliRunner.Result r = CliRunner.run("lint", "--no-respect-gitignore", REPO);
        // the weights-only checkpoint is skipped as any non-model; the one cut short is unreadable
        assertThat(r.out()).contains("checkpoints/epoch_11_partial.h5").contains("1 file not readable");
        assertThat(r.code()).isEqualTo(2);
    }

    @Test
    void theBuiltInExcludesKeepPackageDirectoriesOut() {
        // --exclude replaces every exclude list, the built-in one included: node_modules is walked
        CliRunner.Result r = CliRunner.run("lint", "--exclude", "scratch", REPO);
        assertThat(r.out()).contains("node_modules/left-pad/package.json");
        assertThat(r.code()).isEqualTo(2);
    }

    @Test
    void aDataFileNamedOnTheCommandLineIsStillAnError() {
        CliRunner.Result r = CliRunner.run("lint", REPO + "/data/train_images.h5");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).contains("train_images.h5: error: an HDF5 file, but not a Keras model");
        CliRunner.Result hook = CliRunner.run("lint", "--skip-non-models", "--force-exclude", REPO + "/data/train_images.h5",
                REPO + "/data/dataset.zip", REPO + "/package.json", REPO + "/venv/lib/python3.11/site-packages/demo/broken.json");
        assertThat(hook.code()).as(hook.out()).isZero();
        assertThat(hook.out()).contains("gradflow: 0 models, 3 other files skipped (not models)");
    }

    @Test
    void theNestedConfigurationExtendsTheTopOne() {
        CliRunner.Result r = CliRunner.run("lint", "--show-settings", REPO + "/models/legacy/sigmoid-mlp.json");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("configuration: " + REPO + "/gradflow.json, then " + REPO + "/models/legacy/gradflow.json")
                .containsPattern("GF001 +deep-saturating-stack +off")
                .containsPattern("GF005 +missing-normalization +info")
                .containsPattern("GF006 +missing-skip-connections +warning");
        CliRunner.Result lint = CliRunner.run("lint", REPO + "/models/legacy/sigmoid-mlp.json");
        // GF001 off by the top file's per-file ignore; GF005, info by the nested file's, a note under GF006
        assertThat(lint.out()).doesNotContain("[GF001]").contains("warning: layers 'dense_0'..'dense_19'")
                .contains("[GF006]\n  note: layers 'dense_0'..'dense_19': 20 layers in a row with no batch");
    }
}
