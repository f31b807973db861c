# The CLI's inputs are bounded (issue 10). Large and hostile scenario files come from
# reader_script_input.sh, which writes them to a temporary directory.
set(_limits_dir ${CMAKE_CURRENT_BINARY_DIR}/input_limits)
file(MAKE_DIRECTORY ${_limits_dir})

# An endless input is refused after cap + 1 bytes, not read until memory runs out.
add_test(NAME cli_reader_script_caps_dev_zero COMMAND aiostreams_cli reader-script /dev/zero)
set_tests_properties(cli_reader_script_caps_dev_zero PROPERTIES TIMEOUT 30
  PASS_REGULAR_EXPRESSION "/dev/zero: the file is larger than the limit of 67108864 bytes")

# A directory is named as such.
add_test(NAME cli_reader_script_rejects_a_directory COMMAND aiostreams_cli reader-script ${_limits_dir})
set_tests_properties(cli_reader_script_rejects_a_directory PROPERTIES TIMEOUT 30
  PASS_REGULAR_EXPRESSION "input_limits: is a directory")

set(_input ${CMAKE_CURRENT_SOURCE_DIR}/reader_script_input.sh)
# 60 MB of '[' is refused at the depth limit, early, naming the file.
add_test(NAME cli_reader_script_bounds_json_depth COMMAND sh ${_input} deep $<TARGET_FILE:aiostreams_cli>)
set_tests_properties(cli_reader_script_bounds_json_depth PROPERTIES TIMEOUT 30
  PASS_REGULAR_EXPRESSION "deep.json: JSON nested deeper than the depth limit of 64")
# 5M values in one flat list: over the value cap, refused while parsing.
add_test(NAME cli_reader_script_bounds_json_values COMMAND sh ${_input} wide $<TARGET_FILE:aiostreams_cli>)
set_tests_properties(cli_reader_script_bounds_json_values PROPERTIES TIMEOUT 60
  PASS_REGULAR_EXPRESSION "wide.json: more than 4194304 JSON values")
# A NUL byte, or anything after the JSON, is an error.
add_test(NAME cli_reader_script_rejects_nul COMMAND sh ${_input} nul $<TARGET_FILE:aiostreams_cli>)
set_tests_properties(cli_reader_script_rejects_nul PROPERTIES TIMEOUT 30
  PASS_REGULAR_EXPRESSION "nul.json: not valid JSON: a NUL byte at offset 13")
add_test(NAME cli_reader_script_rejects_trailing_garbage COMMAND sh ${_input} trailing $<TARGET_FILE:aiostreams_cli>)
set_tests_properties(cli_reader_script_rejects_trailing_garbage PROPERTIES TIMEOUT 30
  PASS_REGULAR_EXPRESSION "trailing.json: not valid JSON")
# 200,000 steps run in linear time: the quadratic runner took 32-60 s for them (1M steps more
# than 60 s), the linear one about a second, so the TIMEOUT tells them apart; nothing is timed.
add_test(NAME cli_reader_script_is_linear_in_steps COMMAND sh ${_input} steps $<TARGET_FILE:aiostreams_cli>)
if(AIOSTREAMS_SANITIZE)
  set(_linear_timeout 300)  # Debug + ASan runs the linear version ~10x slower
else()
  set(_linear_timeout 60)
endif()
set_tests_properties(cli_reader_script_is_linear_in_steps PROPERTIES TIMEOUT ${_linear_timeout}
  PASS_REGULAR_EXPRESSION "\"step\":199999,\"value\":\"x\\\\n\"}]}")

# --clients beyond what memory holds is refused up front with the numbers. The memory is
# made small (4 GB of address space) so that the test does not depend on the machine;
# sanitizers reserve more address space than that, so the sanitized build skips it.
if(NOT AIOSTREAMS_SANITIZE)
  add_test(NAME cli_sim_clients_follow_memory
    COMMAND sh -c "ulimit -v 4000000 && exec \"$0\" sim run --workload echo --seed 1 --clients 100000"
            $<TARGET_FILE:aiostreams_cli>)
  set_tests_properties(cli_sim_clients_follow_memory PROPERTIES TIMEOUT 30
    PASS_REGULAR_EXPRESSION "--clients 100000 needs about 12500 MiB \\(about 128 KiB per echo client\\), but 3906 MiB is available; at most 15625 clients fit")
endif()

# Fault specs are exactly name=P with P a decimal in [0, 1].
add_test(NAME cli_sim_faults_reject_hex COMMAND aiostreams_cli sim run --workload echo --seed 1 --faults reset=0x1)
add_test(NAME cli_sim_faults_reject_bare_name COMMAND aiostreams_cli sim run --workload echo --seed 1 --faults reset)
set_tests_properties(cli_sim_faults_reject_hex PROPERTIES
  PASS_REGULAR_EXPRESSION "'reset=0x1': the probability must be a decimal number in \\[0, 1\\]")
set_tests_properties(cli_sim_faults_reject_bare_name PROPERTIES
  PASS_REGULAR_EXPRESSION "'reset' needs a probability")
