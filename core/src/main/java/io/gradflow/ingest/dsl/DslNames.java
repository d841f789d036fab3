package io.gradflow.ingest.dsl;

import io.gradflow.model.Activation;
import io.gradflow.model.Distribution;
import io.gradflow.model.Node;
import io.gradflow.model.NumberFormat;
import io.gradflow.model.WeightInit;
import io.gradflow.model.activation.ActivationFunction;
import io.gradflow.model.activation.Activations;
import io.gradflow.model.WeightInit.Fan;
import io.gradflow.model.WeightInit.Shape;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The DSL's names for activations, initialisers, losses, updaters, pooling types and join
 * operations, and what each means in the model. Names are case-insensitive and ignore '_' and '-'
 * ("leaky_relu" is "leakyrelu"); the lists below give the spelling messages use.
 *
 * <p>Initialisers mean what their papers mean, with DL4J's fan conventions: xavier is
 * N(0, 2/(fanIn+fanOut)), he N(0, 2/fanIn), lecun N(0, 1/fanIn), and each {@code _uniform} variant
 * the uniform draw with the same variance. In particular {@code lecun_uniform} has variance
 * 1/fanIn as LeCun (and Keras) define it, not the 3/fanIn of DL4J's LECUN_UNIFORM.
 */
final class DslNames {

    private DslNames() {
    }

    /** A name that is unknown, or has the wrong arguments: the message says which and what to write. */
    static final class BadName extends Exception {

        BadName(String message) {
            super(message);
        }

        /** Never null: every constructor takes a message. */
        @Override
        public String getMessage() {
            return Objects.requireNonNull(super.getMessage());
        }
    }

    /** A loss: the DSL's name and the name the model (and DL4J, with a "Loss" prefix) gives it. */
    record Loss(String name, String model) { }

    /** How a join combines its branches. */
    record Join(String name, Node.@Nullable Merge merge) {

        boolean concat() {
            return merge == null;
        }
    }

    /**
     * The DSL's activations: every function Deeplearning4j can build (the DSL converts to DL4J), by
     * its id, with its parameters and DL4J's defaults for them.
     */
    private static final Map<String, ActivationFunction> ACTIVATIONS = activations();
    private static final Map<String, String> ACTIVATION_ALIASES = Map.of("lrelu", "leakyrelu", "linear", "identity");

    private static Map<String, ActivationFunction> activations() {
        Map<String, ActivationFunction> m = new LinkedHashMap<>();
        for (ActivationFunction f : Activations.all()) {
            if (!f.dl4jNames().isEmpty()) {
                m.put(f.id(), f);
            }
        }
        return Collections.unmodifiableMap(m);
    }

    /** Every activation name, as messages list them. */
    static List<String> activationNames() {
        List<String> out = new ArrayList<>(ACTIVATIONS.keySet());
        out.add("linear");
        return out;
    }

    static String key(String name) {
        return name.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
    }

    static boolean isActivation(String name) {
        String k = key(name);
        return ACTIVATIONS.containsKey(ACTIVATION_ALIASES.getOrDefault(k, k));
    }

    static Activation activation(String name, List<Double> args) throws BadName {
        String k = key(name);
        ActivationFunction fn = ACTIVATIONS.get(ACTIVATION_ALIASES.getOrDefault(k, k));
        if (fn == null) {
            throw new BadName("unknown activation '" + name + "'" + Suggest.hint(name, activationNames()));
        }
        List<String> params = fn.parameters();
        double[] defaults = params.size() == 2 ? new double[] {fn.defaultAlpha(), fn.defaultBeta()}
                : params.size() == 1 ? new double[] {fn.defaultAlpha()} : new double[0];
        double[] v = arguments(name, args, params, defaults);
        if (fn == Activations.RRELU && (!(v[0] < v[1]) || v[0] < 0)) {
            throw new BadName("rrelu(lower, upper) needs 0 <= lower < upper, got rrelu(" + num(v[0]) + ", "
                    + num(v[1]) + ")");
        }
        return switch (params.size()) {
            case 0 -> Activation.of(fn);
            case 1 -> Activation.of(fn, v[0]);
            default -> new Activation(fn, v[0], v[1], null);
        };
    }

    // ---------------------------------------------------------------- initialisers

    private static final List<String> INITS = List.of("xavier", "xavier_uniform", "he", "he_uniform", "lecun",
            "lecun_uniform", "normal", "uniform", "truncated_normal", "orthogonal", "identity", "zeros", "ones",
            "constant");

    static List<String> initNames() {
        return INITS;
    }

    static boolean isInit(String name) {
        String k = key(name);
        return INITS.stream().anyMatch(i -> key(i).equals(k)) || k.equals("glorot") || k.equals("glorotuniform");
    }

    static WeightInit init(String name, List<Double> args) throws BadName {
        String k = key(name);
        switch (k) {
            case "xavier", "glorot", "glorotnormal", "xaviernormal" -> {
                noArgs(name, args);
                return WeightInit.fanScaled("xavier", 1, Fan.AVG, Shape.NORMAL);
            }
            case "xavieruniform", "glorotuniform" -> {
                noArgs(name, args);
                return WeightInit.fanScaled("xavier_uniform", 1, Fan.AVG, Shape.UNIFORM);
            }
            case "he", "henormal" -> {
                noArgs(name, args);
                return WeightInit.fanScaled("he", 2, Fan.IN, Shape.NORMAL);
            }
            case "heuniform" -> {
                noArgs(name, args);
                return WeightInit.fanScaled("he_uniform", 2, Fan.IN, Shape.UNIFORM);
            }
            case "lecun", "lecunnormal" -> {
                noArgs(name, args);
                return WeightInit.fanScaled("lecun", 1, Fan.IN, Shape.NORMAL);
            }
            case "lecununiform" -> {
                noArgs(name, args);
                return WeightInit.fanScaled("lecun_uniform", 1, Fan.IN, Shape.UNIFORM);
            }
            case "normal", "gaussian" -> {
                double[] v = arguments("normal", args, List.of("mean", "std"), null);
                requireNonNegative("normal", "std", v[1]);
                return WeightInit.distribution("normal", Distribution.normal(v[0], v[1]));
            }
            case "truncatednormal" -> {
                double[] v = arguments("truncated_normal", args, List.of("mean", "std"), null);
                requireNonNegative("truncated_normal", "std", v[1]);
                return WeightInit.distribution("truncated_normal",
                        new Distribution(Distribution.Kind.TRUNCATED_NORMAL, v[0], v[1]));
            }
            case "uniform" -> {
                double[] v = arguments("uniform", args, List.of("lower", "upper"), null);
                if (v[0] > v[1]) {
                    throw new BadName("uniform(lower, upper) needs lower <= upper, got uniform(" + num(v[0]) + ", "
                            + num(v[1]) + ")");
                }
                return WeightInit.distribution("uniform", Distribution.uniform(v[0], v[1]));
            }
            case "orthogonal" -> {
                double[] v = arguments("orthogonal", args, List.of("gain"), new double[] {1});
                return WeightInit.orthogonal("orthogonal", v[0]);
            }
            case "identity" -> {
                double[] v = arguments("identity", args, List.of("gain"), new double[] {1});
                return WeightInit.identity("identity", v[0]);
            }
            case "zeros", "zero" -> {
                noArgs(name, args);
                return WeightInit.constant("zeros", 0);
            }
            case "ones" -> {
                noArgs(name, args);
                return WeightInit.constant("ones", 1);
            }
            case "constant" -> {
                double[] v = arguments("constant", args, List.of("value"), null);
                return WeightInit.constant("constant(" + num(v[0]) + ")", v[0]);
            }
            default -> throw new BadName("unknown initialiser '" + name + "'" + Suggest.hint(name, INITS));
        }
    }

    // ---------------------------------------------------------------- losses, updaters, pooling, joins

    /** DSL name to the model's (and DL4J's, after "Loss") name, in the order messages list them. */
    private static final Map<String, String> LOSSES = losses();

    private static Map<String, String> losses() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("mcxent", "MCXENT");
        m.put("xent", "BinaryXENT");
        m.put("mse", "MSE");
        m.put("mae", "MAE");
        m.put("l1", "L1");
        m.put("l2", "L2");
        m.put("mape", "MAPE");
        m.put("msle", "MSLE");
        m.put("kld", "KLD");
        m.put("negativeloglikelihood", "NegativeLogLikelihood");
        m.put("sparse_mcxent", "SparseMCXENT");
        m.put("hinge", "Hinge");
        m.put("squared_hinge", "SquaredHinge");
        m.put("poisson", "Poisson");
        m.put("cosine_proximity", "CosineProximity");
        m.put("wasserstein", "Wasserstein");
        return Collections.unmodifiableMap(m);
    }

    private static final Map<String, String> LOSS_ALIASES = Map.of("nll", "negativeloglikelihood",
            "binaryxent", "xent", "kldivergence", "kld", "squaredloss", "mse");

    static List<String> lossNames() {
        return List.copyOf(LOSSES.keySet());
    }

    static Loss loss(String name) throws BadName {
        String k = key(name);
        k = LOSS_ALIASES.getOrDefault(k, k);
        for (Map.Entry<String, String> e : LOSSES.entrySet()) {
            if (key(e.getKey()).equals(k)) {
                return new Loss(e.getKey(), e.getValue());
            }
        }
        throw new BadName("unknown loss '" + name + "'" + Suggest.hint(name, lossNames()));
    }

    /** An updater: DL4J's class name and its default learning rate (NaN: it takes none). */
    private record UpdaterSpec(String dl4j, double learningRate) { }

    private static final Map<String, UpdaterSpec> UPDATERS = updaters();

    private static Map<String, UpdaterSpec> updaters() {
        Map<String, UpdaterSpec> m = new LinkedHashMap<>();
        m.put("sgd", new UpdaterSpec("Sgd", 1e-3));
        m.put("adam", new UpdaterSpec("Adam", 1e-3));
        m.put("nesterovs", new UpdaterSpec("Nesterovs", 0.1));
        m.put("rmsprop", new UpdaterSpec("RmsProp", 0.1));
        m.put("adagrad", new UpdaterSpec("AdaGrad", 0.1));
        m.put("adamax", new UpdaterSpec("AdaMax", 1e-3));
        m.put("nadam", new UpdaterSpec("Nadam", 1e-3));
        m.put("amsgrad", new UpdaterSpec("AMSGrad", 1e-3));
        m.put("adadelta", new UpdaterSpec("AdaDelta", Double.NaN));
        m.put("noop", new UpdaterSpec("NoOp", Double.NaN));
        return Collections.unmodifiableMap(m);
    }

    /** DL4J's default: plain SGD with learning rate 1e-3. */
    static final Node.Updater DEFAULT_UPDATER = new Node.Updater("Sgd", 1e-3);

    static List<String> updaterNames() {
        return List.copyOf(UPDATERS.keySet());
    }

    static Node.Updater updater(String name, List<Double> args) throws BadName {
        UpdaterSpec u = UPDATERS.get(key(name));
        if (u == null) {
            throw new BadName("unknown updater '" + name + "'" + Suggest.hint(name, updaterNames()));
        }
        if (Double.isNaN(u.learningRate())) {
            noArgs(name, args);
            return new Node.Updater(u.dl4j(), Double.NaN);
        }
        double[] v = arguments(key(name), args, List.of("learning rate"), new double[] {u.learningRate()});
        if (!(v[0] > 0)) {
            throw new BadName("the learning rate of " + key(name) + " must be positive, got " + num(v[0]));
        }
        return new Node.Updater(u.dl4j(), v[0]);
    }

    static Node.Pooling pooling(String name) throws BadName {
        return switch (key(name)) {
            case "max" -> Node.Pooling.MAX;
            case "avg", "average", "mean" -> Node.Pooling.AVG;
            case "sum" -> Node.Pooling.SUM;
            default -> throw new BadName("unknown pooling type '" + name + "'"
                    + Suggest.hint(name, List.of("max", "avg", "sum")) + ": use max, avg or sum");
        };
    }

    /** The number formats a model or a layer may compute in. */
    static final List<String> PRECISIONS = List.of("float32", "float16", "bfloat16", "float64", "mixed_float16",
            "mixed_bfloat16");

    /**
     * A number format by name: a plain format ({@code float16}) for everything, or a Keras-style
     * mixed policy ({@code mixed_float16}: float16 compute, float32 weights, dynamic loss scaling).
     */
    static NumberFormat precision(String name) throws BadName {
        NumberFormat f = NumberFormat.kerasPolicy(name);
        if (f == null) {
            throw new BadName("unknown precision '" + name + "'" + Suggest.hint(name, PRECISIONS) + ": use "
                    + String.join(", ", PRECISIONS));
        }
        return f;
    }

    static final List<String> JOINS = List.of("add", "concat", "multiply", "average", "max");

    static Join join(String name) throws BadName {
        return switch (key(name)) {
            case "add", "sum" -> new Join("add", Node.Merge.ADD);
            case "concat", "merge" -> new Join("concat", null);
            case "multiply", "product" -> new Join("multiply", Node.Merge.PRODUCT);
            case "average", "avg", "mean" -> new Join("average", Node.Merge.AVERAGE);
            case "max" -> new Join("max", Node.Merge.MAX);
            default -> throw new BadName("unknown join '" + name + "'" + Suggest.hint(name, JOINS)
                    + ": use one of " + String.join(", ", JOINS));
        };
    }

    // ---------------------------------------------------------------- options

    /** The options each statement takes, by its keyword, in the order messages list them. */
    static final Map<String, List<String>> OPTIONS = Map.ofEntries(
            Map.entry("dense", List.of("activation", "init", "bias", "dropout", "layernorm", "precision", "as")),
            Map.entry("conv", List.of("activation", "init", "bias", "dropout", "stride", "padding", "precision", "as")),
            Map.entry("pool", List.of("stride", "padding", "precision", "as")),
            Map.entry("globalpool", List.of("precision", "as")),
            Map.entry("batchnorm", List.of("precision", "as")),
            Map.entry("layernorm", List.of("precision", "as")),
            Map.entry("activation", List.of("precision", "as")),
            Map.entry("dropout", List.of("precision", "as")),
            Map.entry("simplernn", List.of("activation", "init", "bias", "dropout", "layernorm", "last", "precision",
                    "as")),
            Map.entry("lstm", List.of("activation", "init", "bias", "forgetbias", "dropout", "last", "precision",
                    "as")),
            Map.entry("gru", List.of("activation", "init", "bias", "dropout", "last", "precision", "as")),
            Map.entry("output", List.of("activation", "init", "bias", "dropout", "loss", "precision", "as")),
            Map.entry("join", List.of("as")),
            Map.entry("defaults", List.of("activation", "init", "bias", "updater")));

    /** Every option keyword. */
    static final List<String> ALL_OPTIONS = List.of("activation", "init", "bias", "forgetbias", "dropout", "stride", "padding",
            "loss", "updater", "layernorm", "last", "precision", "as");

    /** Every keyword that starts a statement. */
    static final List<String> STATEMENTS = List.of("model", "precision", "input", "defaults", "repeat", "residual", "branch",
            "join", "dense", "conv", "pool", "globalpool", "batchnorm", "layernorm", "activation", "dropout",
            "simplernn", "lstm", "gru", "output");

    // ---------------------------------------------------------------- arguments

    /**
     * Checks the argument count and fills defaults.
     *
     * @param defaults values for missing trailing arguments, or null when all are required
     */
    private static double[] arguments(String name, List<Double> args, List<String> params, double @Nullable [] defaults)
            throws BadName {
        int required = defaults == null ? params.size() : 0;
        if (args.size() < required || args.size() > params.size()) {
            throw new BadName(signature(name, params) + " takes "
                    + (params.isEmpty() ? "no arguments"
                    : required == params.size() ? count(params.size())
                    : "at most " + count(params.size()))
                    + ", got " + args.size());
        }
        double[] v = new double[params.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = i < args.size() ? args.get(i) : Objects.requireNonNull(defaults, "counted above")[i];
        }
        return v;
    }

    private static void noArgs(String name, List<Double> args) throws BadName {
        if (!args.isEmpty()) {
            throw new BadName(key(name).equals(name) ? name + " takes no arguments, got " + args.size()
                    : "'" + name + "' takes no arguments, got " + args.size());
        }
    }

    private static void requireNonNegative(String name, String param, double v) throws BadName {
        if (v < 0) {
            throw new BadName("the " + param + " of " + name + " must not be negative, got " + num(v));
        }
    }

    private static String signature(String name, List<String> params) {
        if (params.isEmpty()) {
            return name;
        }
        return name + "(" + String.join(", ", params) + ")";
    }

    private static String count(int n) {
        return n == 1 ? "1 argument" : n + " arguments";
    }

    /** A number as a user would write it: 0.01, 1e-05, 64. */
    static String num(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }
}
