# Run: cmake "-DCOMMAND=prog;arg;..." -DEXPECT_CODE=N -DEXPECT_STDERR=<regex> -P testkit_expect_exit.cmake
# Fails unless the command exits with EXPECT_CODE and its stderr matches EXPECT_STDERR.
execute_process(COMMAND ${COMMAND} RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT result EQUAL EXPECT_CODE)
  message(FATAL_ERROR "exit code ${result}, expected ${EXPECT_CODE}\nstdout:\n${out}\nstderr:\n${err}")
endif()
if(NOT err MATCHES "${EXPECT_STDERR}")
  message(FATAL_ERROR "stderr does not match '${EXPECT_STDERR}':\n${err}")
endif()
