//! The model circuit: public (commitment, input, output), private (weights, salt,
//! activations). Holds iff the commitment opens to the weights and the output is the
//! reference evaluator's result on the input.
