/** The JSON result files: machine, parameters, processes and one entry per measured step. */
package io.chorus.bench.report;
