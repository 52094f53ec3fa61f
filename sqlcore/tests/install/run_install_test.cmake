# Installs the build into a fresh prefix, then configures, builds and runs a tiny consumer project
# that finds sqlcore with find_package(sqlcore CONFIG REQUIRED COMPONENTS testing): its program,
# and its GoogleTest suite on SQLite through sqlcore::testing. Then builds the same program without
# CMake, as the README says: `c++ main.cpp $(pkg-config --cflags --libs sqlcore)` with
# PKG_CONFIG_PATH at the prefix, and runs it.
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}")
  endif()
endfunction()
run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})
set(flags "")
if(SANITIZE)
  set(flags "-fsanitize=address,undefined")
endif()
run(${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${WORK_DIR}/build -G Ninja
    -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_BUILD_TYPE=${BUILD_TYPE}
    "-DCMAKE_CXX_FLAGS=${flags}" "-DCMAKE_EXE_LINKER_FLAGS=${flags}")
run(${CMAKE_COMMAND} --build ${WORK_DIR}/build)
run(${WORK_DIR}/build/consumer)
run(${CMAKE_COMMAND} -E env SQLCORE_TEST_BACKENDS=sqlite ${WORK_DIR}/build/consumer_tests)

# Without CMake: one shell command, exactly as a Makefile would run it.
find_program(PKG_CONFIG_EXECUTABLE pkg-config REQUIRED)
set(pc_path ${prefix}/${LIBDIR}/pkgconfig)
if(NOT EXISTS ${pc_path}/sqlcore.pc)
  message(FATAL_ERROR "the install has no ${pc_path}/sqlcore.pc")
endif()
run(${CMAKE_COMMAND} -E env PKG_CONFIG_PATH=${pc_path} sh -c
    "${CXX} ${flags} ${SOURCE_DIR}/main.cpp $(${PKG_CONFIG_EXECUTABLE} --cflags --libs sqlcore) -o ${WORK_DIR}/consumer_pkgconfig")
run(${WORK_DIR}/consumer_pkgconfig)
