package dev.evpl.reactive.core;
