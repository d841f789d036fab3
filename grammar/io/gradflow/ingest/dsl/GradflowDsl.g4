/*
 * gradflow's model DSL (.gflow files): a network design in a few lines, to lint it and to convert
 * it to Deeplearning4j. The language reference is docs/dsl.md.
 *
 * Statements end at a line break, a ';' or a block's '}'. Keywords are reserved and lowercase.
 * The names of activations, initialisers, losses, updaters, pooling types and join operations are
 * plain identifiers that the reader checks, so a misspelling gets a "did you mean" hint instead of a
 * parse error. Comments run from '#' to the end of the line, on the hidden channel, where the
 * reader finds the ones that mean something (`# gradflow: ignore[GF001]`).
 */
grammar GradflowDsl;

// ---------------------------------------------------------------- structure

// Statements must be separated, but the rule says so after parsing (DslReader): an LL(1) list
// lets the parser resume at the next line after an error, so one pass reports every bad line.
file
    : (sep | statement)* EOF
    ;

block
    : LBRACE (sep | statement)* RBRACE
    ;

sep
    : NL
    | SEMI
    ;

statement
    : MODEL name                                    # modelStmt
    | PRECISION name                                # precisionStmt
    | INPUT size STEPS?                             # inputStmt
    | DEFAULTS LBRACE (sep | option)* RBRACE        # defaultsStmt
    | REPEAT number block                           # repeatStmt
    | RESIDUAL block                                # residualStmt
    | BRANCH name block                             # branchStmt
    | JOIN op=name name+ option*                    # joinStmt
    | layer                                         # layerStmt
    ;

// ---------------------------------------------------------------- layers

layer
    : DENSE number option*                          # dense
    | CONV size number option*                      # conv
    | POOL name size option*                        # pool
    | GLOBALPOOL name option*                       # globalPool
    | BATCHNORM option*                             # batchNorm
    | LAYERNORM option*                             # layerNorm
    | ACTIVATION call option*                       # activationLayer
    | DROPOUT number option*                        # dropoutLayer
    | kind=(SIMPLERNN | LSTM | GRU) number option*  # recurrent
    | OUTPUT number call? option*                   # output
    ;

// which options a layer takes is checked by the reader, with a message that lists them
option
    : ACTIVATION call                               # activationOpt
    | INIT call                                     # initOpt
    | BIAS (number | name)                          # biasOpt
    | FORGETBIAS number                             # forgetBiasOpt
    | DROPOUT number                                # dropoutOpt
    | STRIDE size                                   # strideOpt
    | PADDING (size | name)                         # paddingOpt
    | LOSS name                                     # lossOpt
    | UPDATER call                                  # updaterOpt
    | LAYERNORM                                     # layerNormOpt
    | LAST                                          # lastOpt
    | AS name                                       # asOpt
    | PRECISION name                                # precisionOpt
    ;

// a name with optional numeric arguments: relu, leakyrelu(0.1), normal(0, 0.01), adam(1e-3)
call
    : name (LPAREN (number (COMMA number)*)? RPAREN)?
    ;

// a width, or sizes joined by 'x': 3x3, 3x32x32, 77 x 50
size
    : DIMS
    | number
    ;

// malformed numbers parse, so the reader can say what is wrong with them
number
    : NUMBER
    | BAD_NUMBER
    ;

name
    : ID
    ;

// ---------------------------------------------------------------- tokens

MODEL       : 'model' ;
INPUT       : 'input' ;
STEPS       : 'steps' ;
DEFAULTS    : 'defaults' ;
REPEAT      : 'repeat' ;
RESIDUAL    : 'residual' ;
BRANCH      : 'branch' ;
JOIN        : 'join' ;
DENSE       : 'dense' ;
CONV        : 'conv' ;
POOL        : 'pool' ;
GLOBALPOOL  : 'globalpool' ;
BATCHNORM   : 'batchnorm' ;
LAYERNORM   : 'layernorm' ;
ACTIVATION  : 'activation' ;
DROPOUT     : 'dropout' ;
SIMPLERNN   : 'simplernn' ;
LSTM        : 'lstm' ;
GRU         : 'gru' ;
OUTPUT      : 'output' ;
INIT        : 'init' ;
BIAS        : 'bias' ;
FORGETBIAS  : 'forgetbias' ;
STRIDE      : 'stride' ;
PADDING     : 'padding' ;
LOSS        : 'loss' ;
UPDATER     : 'updater' ;
LAST        : 'last' ;
AS          : 'as' ;
PRECISION   : 'precision' ;

LBRACE : '{' ;
RBRACE : '}' ;
LPAREN : '(' ;
RPAREN : ')' ;
COMMA  : ',' ;
SEMI   : ';' ;

DIMS   : DIGITS ([ \t]* [xX] [ \t]* DIGITS)+ ;
NUMBER : '-'? (DIGITS ('.' DIGITS?)? | '.' DIGITS) ([eE] [+-]? DIGITS)? ;
// anything that starts like a number but is not one (6.4.3, 64abc, 1e, 3x): longest match wins
BAD_NUMBER : '-'? [0-9.] [0-9a-zA-Z_.]* ;
ID     : [a-zA-Z_] [a-zA-Z_0-9-]* ;

NL      : '\r'? '\n' | '\r' ;
COMMENT : '#' ~[\r\n]* -> channel(HIDDEN) ;
WS      : [ \t\f]+ -> channel(HIDDEN) ;

// any other character reaches the parser, whose error says where it is
UNEXPECTED_CHAR : . ;

fragment DIGITS : [0-9]+ ;
