import CredWatch

print("credwatch")
